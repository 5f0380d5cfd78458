#!/usr/bin/env python3
"""Checks that template.yaml keeps the promises the docs make about a deployed stack.

    python3 scripts/check-template.py [template.yaml] [--self-test]

Each check prints one line; any failure makes the exit status 1. --self-test also breaks a copy of the
template once per check, in memory, and fails unless that check then fails: so no check passes vacuously.
Needs PyYAML (it comes with cfn-lint in .build/venv).
"""

import copy
import itertools
import json
import re
import sys

import yaml

METRICS = [
    "CodesSent",
    "DeliveryFailures",
    "DeliveryLatency",
    "DecoyChallenges",
    "RateLimited",
    "AnswersCorrect",
    "AnswersWrong",
    "SignInsSucceeded",
    "SignInsFailed",
    "VerificationFailures",
]
CREATE = "CreateAuthChallengeFunction"
VERIFY = "VerifyAuthChallengeFunction"
PRE_SIGN_UP = "PreSignUpFunction"
FUNCTION_TYPE = "AWS::Serverless::Function"
CLIENT_TYPE = "AWS::Cognito::UserPoolClient"
SIGN_IN_CLIENT = "UserPoolClient"
SIGN_UP_CLIENT = "SignUpClient"
# What users type as their username, per SignInWith: the pool's UsernameAttributes.
SIGN_IN_WITH = {"email": ["email"], "phone": ["phone_number"], "email-or-phone": ["email", "phone_number"]}
DESTINATIONS = {"email", "phone_number"}
VERIFIED = {"email_verified", "phone_number_verified"}
# The SMS pumping guard's settings: variable -> (parameter, default, minimum, maximum), all on create.
GUARD = {
    "MAX_SMS_PER_PREFIX_PER_HOUR": ("MaxSmsPerPrefixPerHour", 10, 1, 10000),
    "MAX_SMS_PER_CALLING_CODE_PER_HOUR": ("MaxSmsPerCallingCodePerHour", 100, 1, 10000000),
    "SMS_CONVERSION_MIN_PERCENT": ("SmsConversionMinPercent", 20, 0, 100),
    "SMS_CONVERSION_MIN_SENT": ("SmsConversionMinSent", 20, 1, 100000),
    "SMS_CONVERSION_WINDOW_SECONDS": ("SmsConversionWindowSeconds", 3600, 600, 86400),
}
# Each function's DynamoDB actions, all on the limits table alone: create counts sends and reads a calling code's
# sent and verified counts (the conversion brake); verify counts right SMS codes per calling code.
DYNAMO_GRANTS = {CREATE: ["dynamodb:UpdateItem"], VERIFY: ["dynamodb:UpdateItem"]}


# --- Loading: CloudFormation's short tags become their long forms ---------------------------------------


class CfnLoader(yaml.SafeLoader):
    pass


def _short_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + suffix: value}


CfnLoader.add_multi_constructor("!", _short_tag)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CfnLoader)


# --- Helpers -----------------------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def resources(t, type_):
    return {k: r for k, r in (t.get("Resources") or {}).items() if r.get("Type") == type_}


def merge(base, override):
    """SAM's Globals rule: maps merge key by key, anything else in the resource wins."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = merge(base[k], v) if k in base else v
        return out
    return override


def functions(t):
    """Each function's properties with Globals.Function merged in."""
    glob = ((t.get("Globals") or {}).get("Function")) or {}
    funcs = {k: merge(glob, r.get("Properties") or {}) for k, r in resources(t, FUNCTION_TYPE).items()}
    require(funcs, "no AWS::Serverless::Function in the template")
    return funcs


def env(props):
    return ((props.get("Environment") or {}).get("Variables")) or {}


def evaluate(t, value):
    """Evaluates an intrinsic with every parameter at its default (enough for conditions, !If and the Rules)."""
    params = t.get("Parameters") or {}
    conditions = t.get("Conditions") or {}
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" and arg in params:
            return str(params[arg].get("Default", ""))
        if key == "Condition":
            return evaluate(t, conditions[arg])
        if key == "Fn::Equals":
            return evaluate(t, arg[0]) == evaluate(t, arg[1])
        if key == "Fn::Not":
            return not evaluate(t, arg[0])
        if key == "Fn::And":
            return all(evaluate(t, a) for a in arg)
        if key == "Fn::Or":
            return any(evaluate(t, a) for a in arg)
        if key == "Fn::If":
            return evaluate(t, arg[1] if evaluate(t, conditions[arg[0]]) else arg[2])
        if key == "Fn::Contains":  # a rule function: the string is one of the list's
            return evaluate(t, arg[1]) in [evaluate(t, a) for a in arg[0]]
    return value


_NO_VALUE = object()


def resolved(t, node):
    """A piece of the template with each !If decided (parameters at their defaults) and AWS::NoValue left out."""
    if isinstance(node, list):
        return [r for r in (resolved(t, n) for n in node) if r is not _NO_VALUE]
    if isinstance(node, dict):
        if node == {"Ref": "AWS::NoValue"}:
            return _NO_VALUE
        if len(node) == 1 and "Fn::If" in node:
            name, yes, no = node["Fn::If"]
            return resolved(t, yes if evaluate(t, t["Conditions"][name]) is True else no)
        return {k: r for k, r in ((k, resolved(t, v)) for k, v in node.items()) if r is not _NO_VALUE}
    return node


def made(t, entry):
    """Whether the stack has this resource or output with the parameters at their defaults (its Condition)."""
    return not entry.get("Condition") or evaluate(t, t["Conditions"][entry["Condition"]]) is True


def deployed(t, type_):
    """The resources of a type that the stack has with the parameters at their defaults: name -> resolved properties."""
    return {k: resolved(t, r.get("Properties") or {}) for k, r in resources(t, type_).items() if made(t, r)}


def deployed_outputs(t):
    return {k: resolved(t, o) for k, o in (t.get("Outputs") or {}).items() if made(t, o)}


def with_defaults(t, **defaults):
    """The template with these parameters' defaults changed, for `evaluate`; shares everything else with `t`, which
    it leaves alone (the checks only read)."""
    changed = dict(t)
    changed["Parameters"] = dict(t.get("Parameters") or {})
    for name, value in defaults.items():
        changed["Parameters"][name] = dict(changed["Parameters"].get(name) or {}, Default=value)
    return changed


def pool_combinations(t):
    """The template once per combination of AllowSelfSignUp and SignInWith, as (label, template with those defaults)."""
    params = t.get("Parameters") or {}
    require(sorted((params.get("AllowSelfSignUp") or {}).get("AllowedValues") or []) == ["false", "true"],
            "AllowSelfSignUp must allow exactly true and false")
    allowed = (params.get("SignInWith") or {}).get("AllowedValues") or []
    require(sorted(allowed) == sorted(SIGN_IN_WITH), "SignInWith must allow exactly %s, not %r" % (", ".join(SIGN_IN_WITH), allowed))
    for self_sign_up, sign_in_with in itertools.product(("true", "false"), allowed):
        yield ("AllowSelfSignUp=%s SignInWith=%s" % (self_sign_up, sign_in_with),
               with_defaults(t, AllowSelfSignUp=self_sign_up, SignInWith=sign_in_with))


def issues_tokens(client):
    """Whether an app client (resolved properties) has any flow that can issue tokens. Refresh alone issues tokens only
    from a refresh token this client issued. A missing or empty ExplicitAuthFlows is Cognito's default: SRP, CUSTOM_AUTH
    and refresh."""
    return not (client.get("ExplicitAuthFlows") == ["ALLOW_REFRESH_TOKEN_AUTH"]
                and client.get("AllowedOAuthFlowsUserPoolClient") is not True and not client.get("AllowedOAuthFlows"))


def statements(policies):
    """Every IAM statement in a SAM Policies list, both sides of each !If (AWS::NoValue dropped)."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            if "Fn::If" in node and len(node) == 1:
                walk(node["Fn::If"][1:])
            elif node == {"Ref": "AWS::NoValue"}:
                pass
            elif "Statement" in node:
                walk(node["Statement"])
            elif "Effect" in node:
                found.append(node)
            else:  # a SAM policy template such as DynamoDBCrudPolicy: {...}
                found.append({"Effect": "Allow", "Action": ["<policy template %s>" % ",".join(node)], "Resource": "*"})
        elif isinstance(node, str):  # a managed policy name or ARN
            found.append({"Effect": "Allow", "Action": ["<managed policy %s>" % node], "Resource": "*"})

    walk(policies if isinstance(policies, list) else [policies])
    return found


def actions(statement):
    a = statement.get("Action", [])
    return [a] if isinstance(a, str) else list(a)


def sub_text(value):
    """The template text of a string or an !Sub (either form)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        arg = value["Fn::Sub"]
        return arg if isinstance(arg, str) else arg[0]
    raise CheckFailed("expected a string or !Sub, got %r" % (value,))


def is_ref_to(t, value, type_):
    return isinstance(value, dict) and value.get("Ref") in resources(t, type_)


# --- Checks ----------------------------------------------------------------------------------------


def check_logging(t):
    level = (t.get("Parameters") or {}).get("LogLevel")
    require(level, "no LogLevel parameter")
    require(level.get("AllowedValues") == ["DEBUG", "INFO", "WARN", "ERROR"],
            "LogLevel's AllowedValues must be Lambda's DEBUG, INFO, WARN, ERROR, not %r" % level.get("AllowedValues"))
    require(level.get("Default") == "INFO", "LogLevel's default must be INFO, not %r" % level.get("Default"))
    for name, props in functions(t).items():
        lc = props.get("LoggingConfig") or {}
        require(lc.get("LogFormat") == "JSON", "%s: LoggingConfig.LogFormat must be JSON, not %r" % (name, lc.get("LogFormat")))
        require(lc.get("ApplicationLogLevel") == {"Ref": "LogLevel"},
                "%s: LoggingConfig.ApplicationLogLevel must be !Ref LogLevel, not %r" % (name, lc.get("ApplicationLogLevel")))
        require(lc.get("SystemLogLevel") == "WARN", "%s: LoggingConfig.SystemLogLevel must be WARN" % name)
    return "each function logs JSON at ApplicationLogLevel !Ref LogLevel (DEBUG/INFO/WARN/ERROR, default INFO), system WARN"


def check_log_groups(t):
    groups = resources(t, "AWS::Logs::LogGroup")
    for name, props in functions(t).items():
        lg = (props.get("LoggingConfig") or {}).get("LogGroup")
        require(is_ref_to(t, lg, "AWS::Logs::LogGroup"), "%s: LoggingConfig.LogGroup must !Ref a log group of the stack" % name)
        require("RetentionInDays" in groups[lg["Ref"]].get("Properties", {}), "%s has no RetentionInDays" % lg["Ref"])
    return "each function writes to its own log group of the stack, with a retention"


def check_no_log_level_env(t):
    glob = env(((t.get("Globals") or {}).get("Function")) or {})
    require("LOG_LEVEL" not in glob, "Globals sets LOG_LEVEL: the functions read AWS_LAMBDA_LOG_LEVEL, which Lambda sets")
    for name, props in functions(t).items():
        require("LOG_LEVEL" not in env(props), "%s sets LOG_LEVEL: Lambda sets AWS_LAMBDA_LOG_LEVEL instead" % name)
    return "no LOG_LEVEL environment variable"


def check_metrics_namespace(t):
    p = (t.get("Parameters") or {}).get("MetricsNamespace") or {}
    require(p.get("Default") == "Passwordless", "parameter MetricsNamespace must default to Passwordless")
    for name, props in functions(t).items():
        require(env(props).get("METRICS_NAMESPACE") == {"Ref": "MetricsNamespace"},
                "%s: METRICS_NAMESPACE must be !Ref MetricsNamespace" % name)
    return "METRICS_NAMESPACE = !Ref MetricsNamespace (default Passwordless) on each function"


def check_dashboard(t):
    dashboards = resources(t, "AWS::CloudWatch::Dashboard")
    require(len(dashboards) == 1, "expected one AWS::CloudWatch::Dashboard, found %d" % len(dashboards))
    (name, d), = dashboards.items()
    body = sub_text(d["Properties"]["DashboardBody"])
    missing = [m for m in METRICS if '"%s"' % m not in body]
    require(not missing, "the dashboard shows no %s" % ", ".join(missing))
    try:
        json.loads(re.sub(r"\$\{[^}!]+\}", "1", body))
    except ValueError as e:
        raise CheckFailed("the dashboard body is not JSON once substituted: %s" % e)
    return "dashboard %s shows all %d metrics (%s) and is valid JSON" % (name, len(METRICS), ", ".join(METRICS))


def check_alarms(t):
    alarms = resources(t, "AWS::CloudWatch::Alarm")
    topics = resources(t, "AWS::SNS::Topic")
    require(len(topics) == 1, "expected one AWS::SNS::Topic for the alarms, found %d" % len(topics))
    (topic,) = topics
    by_metric = {}
    for name, a in alarms.items():
        by_metric.setdefault(a["Properties"].get("MetricName"), []).append((name, a["Properties"]))
    for metric in ("DeliveryFailures", "CodesSent", "SmsPumpingSuspected"):
        require(metric in by_metric, "no alarm on %s" % metric)
        for name, p in by_metric[metric]:
            require(p.get("Namespace") == {"Ref": "MetricsNamespace"}, "%s: Namespace must be !Ref MetricsNamespace" % name)
            require({"Ref": topic} in (p.get("AlarmActions") or []), "%s does not notify %s" % (name, topic))
    sms = [p for _, p in by_metric["CodesSent"] if {"Name": "Channel", "Value": "sms"} in (p.get("Dimensions") or [])]
    require(sms, "the CodesSent alarm must watch Channel=sms")
    # The conversion brake's metric: any refusal in 5 minutes, summed over calling codes (the [Function] dimension set).
    want = {"Dimensions": [{"Name": "Function", "Value": "create"}], "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 1,
            "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching"}
    for name, p in by_metric["SmsPumpingSuspected"]:
        wrong = {k: p.get(k) for k, v in want.items() if p.get(k) != v}
        require(not wrong, "%s: %s, expected %s" % (name, wrong, {k: want[k] for k in wrong}))
    body = sub_text(next(iter(resources(t, "AWS::CloudWatch::Dashboard").values()))["Properties"]["DashboardBody"])
    unshown = [n for n in alarms if "${%s.Arn}" % n not in body]
    require(not unshown, "the dashboard's alarm widget does not show %s" % ", ".join(unshown))
    subs = resources(t, "AWS::SNS::Subscription")
    require(any(s.get("Condition") and s["Properties"].get("Endpoint") == {"Ref": "AlarmEmail"} for s in subs.values()),
            "no conditional email subscription to the topic from the AlarmEmail parameter")
    outputs = json.dumps(t.get("Outputs") or {})
    require('{"Ref": "%s"}' % topic in outputs, "the topic's ARN is not an output")
    require('"Ref": "%s"' % next(iter(resources(t, "AWS::CloudWatch::Dashboard")), "?") in outputs or "${Dashboard" in outputs,
            "the dashboard is not in the outputs")
    return ("alarms on DeliveryFailures, CodesSent (sms) and SmsPumpingSuspected (Function=create, Sum >= 1 in 300 s) notify %s "
            "and are on the dashboard; AlarmEmail subscribes; outputs name the topic and the dashboard" % topic)


def check_self_sign_up(t):
    p = (t.get("Parameters") or {}).get("AllowSelfSignUp") or {}
    require(p.get("Default") == "false", "parameter AllowSelfSignUp must default to \"false\"")
    for name, pool in resources(t, "AWS::Cognito::UserPool").items():
        v = ((pool["Properties"].get("AdminCreateUserConfig")) or {}).get("AllowAdminCreateUserOnly")
        require(v is not None, "%s: AdminCreateUserConfig.AllowAdminCreateUserOnly is not set (Cognito's default allows sign-up)" % name)
        require(evaluate(t, v) is True, "%s: self sign-up is on with the default parameters" % name)
    return "self sign-up off by default (AllowSelfSignUp=false -> AllowAdminCreateUserOnly=true)"


def sign_in_client(label, clients):
    names = [n for n, p in clients.items() if "ALLOW_CUSTOM_AUTH" in (p.get("ExplicitAuthFlows") or [])]
    require(len(names) == 1, "%s: expected one app client with ALLOW_CUSTOM_AUTH (the sign-in client), found %s" % (label, names))
    return names[0]


def check_write_attributes(t):
    """Where codes go must not move with a stolen access token: no client that can issue tokens may write email or
    phone_number (UpdateUserAttributes takes an access token and the client's WriteAttributes), in any combination."""
    count = 0
    for label, c in pool_combinations(t):
        clients = deployed(c, CLIENT_TYPE)
        require(clients, "%s: no app client" % label)
        for name, p in clients.items():
            w = p.get("WriteAttributes")
            require(isinstance(w, list) and w,
                    "%s: %s: WriteAttributes must be listed (Cognito's default makes every standard attribute writable)" % (label, name))
            require(not set(w) & VERIFIED, "%s: %s may write %s: only a right code may mark a destination verified"
                    % (label, name, ", ".join(sorted(set(w) & VERIFIED))))
            moves = sorted(set(w) & DESTINATIONS)
            require(not moves or not issues_tokens(p),
                    "%s: %s may write %s and can issue tokens (ExplicitAuthFlows %r, OAuth flows %r): a stolen access token "
                    "could move the codes with UpdateUserAttributes" % (label, name, ", ".join(moves), p.get("ExplicitAuthFlows"),
                                                                        p.get("AllowedOAuthFlows")))
            require(isinstance(p.get("ReadAttributes"), list), "%s: %s: ReadAttributes must be listed" % (label, name))
            require(p.get("PreventUserExistenceErrors") == "ENABLED", "%s: %s: PreventUserExistenceErrors must be ENABLED" % (label, name))
            require(p.get("GenerateSecret") is not True, "%s: %s: no secret: the apps are public clients" % (label, name))
        sign_in = sign_in_client(label, clients)
        flows = sorted(clients[sign_in].get("ExplicitAuthFlows") or [])
        require(flows == ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "%s: %s allows %r; only CUSTOM_AUTH and refresh (a sign-up's password must never sign in)" % (label, sign_in, flows))
        count += 1
    return ("in all %d combinations of AllowSelfSignUp and SignInWith: the sign-in client (CUSTOM_AUTH and refresh only) "
            "writes neither email nor phone_number, a client that writes them issues no tokens, none writes *_verified; "
            "PreventUserExistenceErrors ENABLED, no secret" % count)


def check_sign_up_client(t):
    """SignUp checks its attributes against the client's WriteAttributes, so self sign-up needs a client that may write
    the destination; that client must be unable to issue tokens (check_write_attributes), and exist only then."""
    count = 0
    for label, c in pool_combinations(t):
        self_sign_up = evaluate(c, {"Ref": "AllowSelfSignUp"}) == "true"
        sign_in_with = evaluate(c, {"Ref": "SignInWith"})
        pools = deployed(c, "AWS::Cognito::UserPool")
        require(len(pools) == 1, "%s: expected one user pool, found %d" % (label, len(pools)))
        (pool, props), = pools.items()
        usernames = props.get("UsernameAttributes")
        require(usernames == SIGN_IN_WITH[sign_in_with], "%s: %s.UsernameAttributes is %r, expected %r"
                % (label, pool, usernames, SIGN_IN_WITH[sign_in_with]))
        require(not props.get("AutoVerifiedAttributes"),
                "%s: %s.AutoVerifiedAttributes makes Cognito text and mail its own codes at sign-up, past every limit" % (label, pool))
        clients = deployed(c, CLIENT_TYPE)
        sign_in = sign_in_client(label, clients)
        others = sorted(n for n in clients if n != sign_in)
        outs = deployed_outputs(c)
        require((outs.get("UserPoolClientId") or {}).get("Value") == {"Ref": sign_in},
                "%s: output UserPoolClientId must be !Ref %s" % (label, sign_in))
        count += 1
        if not self_sign_up:
            require(not others, "%s: without self sign-up the sign-in client is the only one, found also %s" % (label, ", ".join(others)))
            require("SignUpClientId" not in outs, "%s: output SignUpClientId without self sign-up" % label)
            continue
        require(others == [SIGN_UP_CLIENT], "%s: expected the app clients %s and %s, found %s"
                % (label, sign_in, SIGN_UP_CLIENT, ", ".join(sorted(clients))))
        up = clients[SIGN_UP_CLIENT]
        require(up.get("ExplicitAuthFlows") == ["ALLOW_REFRESH_TOKEN_AUTH"] and not issues_tokens(up),
                "%s: %s must allow only ALLOW_REFRESH_TOKEN_AUTH and no OAuth flow, so it issues no tokens, not %r"
                % (label, SIGN_UP_CLIENT, up.get("ExplicitAuthFlows")))
        want = set(clients[sign_in].get("WriteAttributes") or []) | DESTINATIONS
        got = set(up.get("WriteAttributes") or [])
        require(got == want, "%s: %s must write what %s writes plus email and phone_number (what SignUp sends): missing %s, extra %s"
                % (label, SIGN_UP_CLIENT, sign_in, sorted(want - got) or "none", sorted(got - want) or "none"))
        require((outs.get("SignUpClientId") or {}).get("Value") == {"Ref": SIGN_UP_CLIENT},
                "%s: output SignUpClientId must be !Ref %s" % (label, SIGN_UP_CLIENT))
    return ("in all %d combinations: UsernameAttributes follow SignInWith, Cognito verifies nothing itself (no "
            "AutoVerifiedAttributes); with self sign-up %s (refresh only, no OAuth, writes email, phone_number and the "
            "sign-in client's attributes) and output SignUpClientId, without it neither" % (count, SIGN_UP_CLIENT))


def channel_values(t):
    """Every OtpChannels value of up to three channels that the parameter's pattern allows."""
    pattern = re.compile(((t.get("Parameters") or {}).get("OtpChannels") or {}).get("AllowedPattern") or "")
    found = [",".join(p) for n in (1, 2, 3) for p in itertools.product(("sms", "email"), repeat=n) if pattern.fullmatch(",".join(p))]
    require("sms" in found and "email" in found, "OtpChannels' pattern must allow sms and email, allows %r" % found)
    return found


def failed_assertions(t):
    """The AssertDescription of each rule assertion that fails with the parameters at their defaults."""
    failed = []
    for name, rule in (t.get("Rules") or {}).items():
        applies = evaluate(t, rule["RuleCondition"]) if "RuleCondition" in rule else True
        require(isinstance(applies, bool), "rule %s: RuleCondition is not true or false here: %r" % (name, applies))
        if not applies:
            continue
        for a in rule.get("Assertions") or []:
            holds = evaluate(t, a.get("Assert"))
            require(isinstance(holds, bool), "rule %s: an Assert is not true or false here: %r" % (name, holds))
            if not holds:
                failed.append(a.get("AssertDescription") or "")
    return failed


def check_sms_rules(t):
    """No deployable combination can pump SMS: with self sign-up and sms among the channels, the Rules refuse a stack
    without a country allow-list or without an SMS ceiling, and nothing else."""
    require(t.get("Rules"), "no Rules: a stack with self sign-up and SMS could deploy without SmsAllowedCountries and MaxSmsPerHour")
    channels = channel_values(t)
    total = refused = 0
    for self_sign_up, otp, sign_in_with, countries, ceiling in itertools.product(
            ("true", "false"), channels, SIGN_IN_WITH, ("", "1,!1876,44"), ("", "500")):
        c = with_defaults(t, AllowSelfSignUp=self_sign_up, OtpChannels=otp, SignInWith=sign_in_with,
                          SmsAllowedCountries=countries, MaxSmsPerHour=ceiling)
        label = "AllowSelfSignUp=%s OtpChannels=%s SignInWith=%s SmsAllowedCountries=%r MaxSmsPerHour=%r" % (
            self_sign_up, otp, sign_in_with, countries, ceiling)
        pumpable = self_sign_up == "true" and "sms" in otp.split(",")
        missing = [p for p, v in (("SmsAllowedCountries", countries), ("MaxSmsPerHour", ceiling)) if pumpable and not v]
        failed = failed_assertions(c)
        require(bool(failed) == bool(missing), "%s: %s" % (label, "refused: %s" % failed if failed else
                                                         "deploys, and nothing bounds SMS to numbers anyone can sign up"))
        for p in missing:
            require(any(p in d for d in failed), "%s: refused, but no AssertDescription names %s" % (label, p))
        for d in failed:
            require(len(d) >= 40, "%s: AssertDescription %r must say what to set and why" % (label, d))
        total += 1
        refused += bool(failed)
    return ("Rules refuse exactly the %d of %d parameter combinations (AllowSelfSignUp, OtpChannels %s, SignInWith, "
            "SmsAllowedCountries and MaxSmsPerHour empty or set) that have self sign-up, sms and an empty "
            "SmsAllowedCountries or MaxSmsPerHour, naming what to set" % (refused, total, "/".join(channels)))


def check_ses(t):
    ses = [s for props in functions(t).values() for s in statements(props.get("Policies") or [])
           if any(a.lower() in ("ses:sendemail", "ses:*", "*") or a.lower().startswith("ses:send") for a in actions(s))]
    require(ses, "no statement grants ses:SendEmail")
    for s in ses:
        require(actions(s) == ["ses:SendEmail"], "statement %s grants %r; only ses:SendEmail is expected" % (s.get("Sid"), actions(s)))
        cond = (s.get("Condition") or {}).get("StringEquals") or {}
        require(cond.get("ses:FromAddress") == {"Ref": "EmailFrom"},
                "statement %s lets ses:SendEmail use any From address: needs StringEquals ses:FromAddress = !Ref EmailFrom" % s.get("Sid"))
    return "every ses:SendEmail grant is limited to ses:FromAddress = EmailFrom"


def check_email_from(t):
    p = t.get("Parameters") or {}
    pattern = (p.get("EmailFrom") or {}).get("AllowedPattern")
    require(pattern, "EmailFrom needs an AllowedPattern for a bare address (the FromAddress condition compares it)")
    rx = re.compile(pattern)
    require(rx.fullmatch("no-reply@example.com") and rx.fullmatch(""), "EmailFrom's pattern rejects a bare address or empty")
    require(not rx.fullmatch("Sign-in <no-reply@example.com>"), "EmailFrom's pattern accepts \"Name <address>\"")
    ef = env(functions(t)[CREATE]).get("EMAIL_FROM")
    require("EmailFrom" in json.dumps(ef) and "EmailFromName" in json.dumps(ef),
            "create's EMAIL_FROM must be composed of EmailFromName and EmailFrom")
    return "EmailFrom is a bare address; EMAIL_FROM = \"EmailFromName <EmailFrom>\" or EmailFrom"


def check_no_console_delivery(t):
    require("OtpDelivery" not in (t.get("Parameters") or {}), "the OtpDelivery parameter must go: console delivery logs every code")
    for name, props in functions(t).items():
        v = env(props).get("OTP_DELIVERY", "aws")
        require(v == "aws", "%s: OTP_DELIVERY must be the literal aws, not %r" % (name, v))
    text = json.dumps(t)
    require(not re.search(r'"OTP_DELIVERY": "console"', text), "OTP_DELIVERY=console appears in the template")
    return "no OtpDelivery parameter; OTP_DELIVERY is aws wherever set"


def check_table(t):
    tables = resources(t, "AWS::DynamoDB::Table")
    require(len(tables) == 1, "expected one AWS::DynamoDB::Table, found %d" % len(tables))
    (name, table), = tables.items()
    p = table["Properties"]
    require(p.get("BillingMode") == "PAY_PER_REQUEST", "%s: BillingMode must be PAY_PER_REQUEST" % name)
    require(p.get("KeySchema") == [{"AttributeName": "pk", "KeyType": "HASH"}], "%s: the key must be pk (HASH) alone" % name)
    require(p.get("AttributeDefinitions") == [{"AttributeName": "pk", "AttributeType": "S"}], "%s: pk must be the one attribute, type S" % name)
    require(p.get("TimeToLiveSpecification") == {"AttributeName": "expiresAt", "Enabled": True}, "%s: TTL must be on expiresAt" % name)
    require((p.get("SSESpecification") or {}).get("SSEEnabled") is True, "%s: SSE must be on" % name)
    require(env(functions(t)[CREATE]).get("RATE_LIMIT_TABLE") == {"Ref": name}, "create's RATE_LIMIT_TABLE must be !Ref %s" % name)
    return "%s: pk (S, HASH), TTL on expiresAt, PAY_PER_REQUEST, SSE; create's RATE_LIMIT_TABLE names it" % name


def check_dynamodb_grant(t):
    (table,) = resources(t, "AWS::DynamoDB::Table")
    arn = {"Fn::GetAtt": [table, "Arn"]}
    for name, props in functions(t).items():
        grants = [s for s in statements(props.get("Policies") or [])
                  if any(a == "*" or a.lower().startswith("dynamodb:") or (a.startswith("<") and "dynamodb" in a.lower())
                         for a in actions(s))]
        got, want = sorted(a for s in grants for a in actions(s)), DYNAMO_GRANTS.get(name, [])
        require(got == want, "%s may %s on DynamoDB; exactly %s is expected" % (name, got or "nothing", want or "nothing"))
        for s in grants:
            require(s.get("Effect") == "Allow", "%s: DynamoDB statement %s must be an Allow" % (name, s.get("Sid")))
            require(s.get("Resource") in (arn, [arn]), "%s: the DynamoDB grant %s must be on %s's ARN alone, not %r"
                    % (name, s.get("Sid"), table, s.get("Resource")))
    return ("on the table alone: create may dynamodb:UpdateItem (counters, the conversion brake included), verify "
            "UpdateItem (right SMS codes per calling code); define and pre-sign-up get no DynamoDB")


def check_limits_env(t):
    want = {
        "RATE_LIMIT_WINDOW_SECONDS": ("RateLimitWindowSeconds", "900"),
        "MAX_CODES_PER_USER": ("MaxCodesPerUser", "5"),
        "MAX_CODES_PER_DESTINATION": ("MaxCodesPerDestination", "5"),
        "MAX_SMS_PER_HOUR": ("MaxSmsPerHour", ""),
        "RATE_LIMIT_ON_ERROR": ("RateLimitOnError", "allow"),
        "SMS_ALLOWED_COUNTRIES": ("SmsAllowedCountries", ""),
        "MAX_RESENDS": ("MaxResends", "2"),
    }
    want.update({var: (param, str(default)) for var, (param, default, _, _) in GUARD.items()})
    params = t.get("Parameters") or {}
    fns = functions(t)
    e = env(fns[CREATE])
    for var, (param, default) in want.items():
        require(e.get(var) == {"Ref": param}, "create: %s must be !Ref %s" % (var, param))
        require(str(params.get(param, {}).get("Default")) == default, "parameter %s must default to %r" % (param, default))
    for var, (param, default, low, high) in GUARD.items():
        p = params[param]
        require(p.get("Type") == "Number" and p.get("MinValue") == low and p.get("MaxValue") == high,
                "parameter %s must be a Number from %d to %d, not %s %s-%s" % (param, low, high, p.get("Type"), p.get("MinValue"), p.get("MaxValue")))
    groups = ((t.get("Metadata") or {}).get("AWS::CloudFormation::Interface") or {}).get("ParameterGroups") or []
    limits = next((g.get("Parameters") or [] for g in groups if (g.get("Label") or {}).get("default") == "Limits"), [])
    outside = [param for param, _ in want.values() if param != "MaxResends" and param not in limits]
    require(not outside, "the Limits parameter group lacks %s" % ", ".join(outside))
    key = params.get("HashKey") or {}
    require(key.get("NoEcho") is True, "parameter HashKey must be NoEcho")
    rk = json.dumps(e.get("HASH_KEY"))
    require("HashKey" in rk and "AWS::StackId" in rk, "create: HASH_KEY must be HashKey, else the stack's UUID")
    # verify counts right SMS codes per calling code in the same table, under the same keys and window as create.
    v = env(fns[VERIFY])
    (table,) = resources(t, "AWS::DynamoDB::Table")
    require(v.get("RATE_LIMIT_TABLE") == {"Ref": table}, "verify: RATE_LIMIT_TABLE must be !Ref %s" % table)
    require(v.get("HASH_KEY") == e.get("HASH_KEY"), "verify: HASH_KEY must be exactly create's, or their keys differ")
    require(v.get("SMS_CONVERSION_WINDOW_SECONDS") == {"Ref": "SmsConversionWindowSeconds"},
            "verify: SMS_CONVERSION_WINDOW_SECONDS must be !Ref SmsConversionWindowSeconds")
    return ("create gets the limits' and the SMS pumping guard's settings from their parameters (in the Limits group; guard "
            "defaults %s); HASH_KEY from NoEcho HashKey or the stack UUID; verify gets the same table, key and window"
            % ", ".join("%s=%d" % (p, d) for p, d, _, _ in GUARD.values()))


def check_first_sign_in(t):
    params = t.get("Parameters") or {}
    p = params.get("OtpRequireVerified") or {}
    require(str(p.get("Default")) == "true", "parameter OtpRequireVerified must default to \"true\"")
    require("first-sign-in" in (p.get("AllowedValues") or []), "OtpRequireVerified must allow first-sign-in")
    fns = functions(t)
    rule = {"Fn::If": ["SelfSignUp", "first-sign-in", {"Ref": "OtpRequireVerified"}]}
    for name in (CREATE, VERIFY):
        require(env(fns[name]).get("OTP_REQUIRE_VERIFIED") == rule,
                "%s: OTP_REQUIRE_VERIFIED must be first-sign-in with self sign-up, else !Ref OtpRequireVerified" % name)
    # Self sign-up wires pre-sign-up, which confirms sign-ups and has no AWS permission of its own.
    pre = resources(t, FUNCTION_TYPE).get(PRE_SIGN_UP)
    require(pre and pre.get("Condition") == "SelfSignUp", "no %s deployed with the SelfSignUp condition" % PRE_SIGN_UP)
    require(not fns[PRE_SIGN_UP].get("Policies"), "%s needs no policy: it calls nothing" % PRE_SIGN_UP)
    pe = env(fns[PRE_SIGN_UP])
    require(pe.get("OTP_REQUIRE_VERIFIED") == "first-sign-in" and pe.get("SIGNUP_EMAIL_DOMAINS") == {"Ref": "SignUpEmailDomains"}
            and pe.get("OTP_CHANNELS") == {"Ref": "OtpChannels"} and pe.get("SMS_ALLOWED_COUNTRIES") == {"Ref": "SmsAllowedCountries"},
            "%s: needs OTP_REQUIRE_VERIFIED=first-sign-in and the channels, countries and email domains of the stack" % PRE_SIGN_UP)
    (pool, props), = ((n, r["Properties"]) for n, r in resources(t, "AWS::Cognito::UserPool").items())
    wired = (props.get("LambdaConfig") or {}).get("PreSignUp")
    require(wired == {"Fn::If": ["SelfSignUp", {"Fn::GetAtt": [PRE_SIGN_UP, "Arn"]}, {"Ref": "AWS::NoValue"}]},
            "%s: LambdaConfig.PreSignUp must be %s with self sign-up only" % (pool, PRE_SIGN_UP))
    permits = [r for r in resources(t, "AWS::Lambda::Permission").values()
               if r["Properties"].get("FunctionName") == {"Fn::GetAtt": [PRE_SIGN_UP, "Arn"]}]
    require(len(permits) == 1 and permits[0].get("Condition") == "SelfSignUp"
            and permits[0]["Properties"].get("Principal") == "cognito-idp.amazonaws.com"
            and permits[0]["Properties"].get("SourceArn") == {"Fn::GetAtt": [pool, "Arn"]},
            "Cognito needs one permission to invoke %s, from %s only" % (PRE_SIGN_UP, pool))
    # Only verify may change users, only AdminUpdateUserAttributes, only on this pool, and from a policy of its
    # own: a statement in a function's Policies naming the pool would make the pool and the function wait on
    # each other.
    for name, fprops in fns.items():
        bad = [a for s in statements(fprops.get("Policies") or []) for a in actions(s) if a.lower().startswith("cognito") or a == "*"]
        require(not bad, "%s's own policies grant %s: that names the pool from the function (a cycle) or more than verify needs"
                % (name, ", ".join(bad)))
    grants = [(n, r) for n, r in resources(t, "AWS::IAM::Policy").items()
              if any(a.lower().startswith("cognito") or a == "*"
                     for s in statements(r["Properties"].get("PolicyDocument")) for a in actions(s))]
    require(len(grants) == 1, "expected one AWS::IAM::Policy granting Cognito actions, found %d" % len(grants))
    (name, policy), = grants
    require(policy["Properties"].get("Roles") == [{"Ref": VERIFY + "Role"}], "%s must be attached to %sRole alone" % (name, VERIFY))
    (s,) = statements(policy["Properties"]["PolicyDocument"])
    require(s.get("Effect") == "Allow" and actions(s) == ["cognito-idp:AdminUpdateUserAttributes"],
            "%s may %r; exactly cognito-idp:AdminUpdateUserAttributes is expected" % (name, actions(s)))
    require(s.get("Resource") in ({"Fn::GetAtt": [pool, "Arn"]}, [{"Fn::GetAtt": [pool, "Arn"]}]),
            "%s: the grant must be on %s's ARN alone, not %r" % (name, pool, s.get("Resource")))
    cond = t["Conditions"][policy.get("Condition")] if policy.get("Condition") else True
    require(evaluate(with_defaults(t, AllowSelfSignUp="true"), cond) is True, "%s is missing when AllowSelfSignUp=true" % name)
    require(evaluate(with_defaults(t, OtpRequireVerified="first-sign-in"), cond) is True,
            "%s is missing when OtpRequireVerified=first-sign-in" % name)
    require(evaluate(t, cond) is False, "%s is there with the default parameters, when nothing is marked verified" % name)
    return ("AllowSelfSignUp=true wires pre-sign-up and first-sign-in; verify alone may AdminUpdateUserAttributes on %s, "
            "from %s (no cycle)" % (pool, name))


def references(node):
    """The logical ids a piece of the template names: Ref, GetAtt and ${...} in Sub (pseudo-parameters left out)."""
    found = set()
    if isinstance(node, list):
        for n in node:
            found |= references(n)
    elif isinstance(node, dict):
        for key, arg in node.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else arg.split(".")[0])
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)}
                if not isinstance(arg, str):
                    found |= references(arg[1])
            else:
                found |= references(arg)
    return {f for f in found if not f.startswith("AWS::")}


def check_no_cycles(t):
    """What each resource waits for once SAM has expanded the functions: a function waits for its role, the role
    for what its Policies name, and a user pool for the functions its Cognito events wire to it."""
    res = t.get("Resources") or {}
    deps = {name: set() for name in res}
    for name, r in res.items():
        props = dict(r.get("Properties") or {})
        depends = r.get("DependsOn") or []
        deps[name] |= set([depends] if isinstance(depends, str) else depends)
        if r.get("Type") == FUNCTION_TYPE:
            role = name + "Role"
            deps[role] = references(props.pop("Policies", None))
            deps[name].add(role)
            for event in (props.pop("Events", None) or {}).values():
                pool = (event.get("Properties") or {}).get("UserPool")
                if event.get("Type") == "Cognito" and pool:
                    deps.setdefault(pool.get("Ref"), set()).add(name)
        deps[name] |= references(props)
    deps = {n: {d for d in ds if d in deps} for n, ds in deps.items()}
    state = {}

    def visit(node, path):
        state[node] = "open"
        for d in sorted(deps[node]):
            if state.get(d) == "open":
                raise CheckFailed("circular dependency: %s" % " -> ".join(path[path.index(d):] + [d]))
            if d not in state:
                visit(d, path + [d])
        state[node] = "done"

    for n in sorted(deps):
        if n not in state:
            visit(n, [n])
    return "no circular dependency between the resources, functions' roles and the pool's triggers included"


def check_timeout(t):
    for name, props in functions(t).items():
        timeout = props.get("Timeout")
        require(isinstance(timeout, int) and timeout <= 5,
                "%s: Timeout %r: Cognito retries a trigger after 5 s, so a longer one means a second code" % (name, timeout))
    return "each function's Timeout is 5 s or less"


def check_makefile(t, makefile_text):
    for name, r in resources(t, FUNCTION_TYPE).items():
        require((r.get("Metadata") or {}).get("BuildMethod") == "makefile", "%s: Metadata.BuildMethod must be makefile" % name)
        require(re.search(r"^build-%s:" % re.escape(name), makefile_text, re.M), "the Makefile has no build-%s target" % name)
    return "each function builds with the Makefile's build-<LogicalId> target"


CHECKS = [
    check_logging,
    check_log_groups,
    check_no_log_level_env,
    check_metrics_namespace,
    check_dashboard,
    check_alarms,
    check_self_sign_up,
    check_write_attributes,
    check_sign_up_client,
    check_sms_rules,
    check_ses,
    check_email_from,
    check_no_console_delivery,
    check_table,
    check_dynamodb_grant,
    check_limits_env,
    check_first_sign_in,
    check_no_cycles,
    check_timeout,
    check_makefile,
]


def run(t, makefile_text, quiet=False):
    failed = []
    for check in CHECKS:
        try:
            args = (t, makefile_text) if check is check_makefile else (t,)
            line = "ok    " + check(*args)
        except CheckFailed as e:
            failed.append(check.__name__)
            line = "FAIL  %s: %s" % (check.__name__, e)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
            failed.append(check.__name__)
            line = "FAIL  %s: unexpected template shape (%s: %s)" % (check.__name__, type(e).__name__, e)
        if not quiet:
            print("check-template: " + line)
    return failed


# --- Self-test: one breakage per check ----------------------------------------------------------------


def _fn(t, name):
    return t["Resources"][name]["Properties"]


def _create_statements(t):
    return _fn(t, CREATE)["Policies"][0]["Statement"]


def _ses_statement(t):
    for s in _create_statements(t):
        if isinstance(s, dict) and "Fn::If" in s and s["Fn::If"][1].get("Action") == "ses:SendEmail":
            return s["Fn::If"][1]
    raise KeyError("no ses statement")


def _dynamo_statement(t, action="dynamodb:UpdateItem"):
    return next(s for s in _create_statements(t) if isinstance(s, dict) and s.get("Action") == action)


def _verify_statements(t):
    return _fn(t, VERIFY)["Policies"][0]["Statement"]


def _rule(t):
    return next(iter(t["Rules"].values()))


def _alarm(t):
    return t["Resources"]["SmsPumpingAlarm"]["Properties"]


def _dashboard_body(t, edit):
    props = t["Resources"]["Dashboard"]["Properties"]
    props["DashboardBody"] = {"Fn::Sub": edit(sub_text(props["DashboardBody"]))}


def _mark_policy(t):
    return t["Resources"]["VerifyMarksVerifiedPolicy"]


def _mark_statement(t):
    return _mark_policy(t)["Properties"]["PolicyDocument"]["Statement"][0]


def _the(t, type_):
    return next(iter(resources(t, type_).values()))["Properties"]


BREAKAGES = {
    "check_logging": [
        lambda t: t["Globals"]["Function"]["LoggingConfig"].update(LogFormat="Text"),
        lambda t: t["Parameters"]["LogLevel"].update(AllowedValues=["debug", "info", "warn", "error"]),
    ],
    "check_log_groups": [lambda t: _fn(t, CREATE).pop("LoggingConfig")],
    "check_no_log_level_env": [lambda t: t["Globals"]["Function"]["Environment"]["Variables"].update(LOG_LEVEL={"Ref": "LogLevel"})],
    "check_metrics_namespace": [lambda t: t["Globals"]["Function"]["Environment"]["Variables"].pop("METRICS_NAMESPACE")],
    "check_dashboard": [
        lambda t: t["Resources"]["Dashboard"]["Properties"].update(
            DashboardBody={"Fn::Sub": sub_text(t["Resources"]["Dashboard"]["Properties"]["DashboardBody"]).replace('"AnswersWrong"', '"Wrong"')}),
        lambda t: t["Resources"]["Dashboard"]["Properties"].update(
            DashboardBody={"Fn::Sub": sub_text(t["Resources"]["Dashboard"]["Properties"]["DashboardBody"]).rstrip().rstrip("}")}),
    ],
    "check_alarms": [
        lambda t: t["Resources"]["DeliveryFailuresAlarm"]["Properties"].update(AlarmActions=[]),
        lambda t: t["Resources"].pop("SmsCodesSentAlarm"),
        lambda t: t["Resources"]["AlarmEmailSubscription"].pop("Condition"),
        lambda t: t["Resources"].pop("SmsPumpingAlarm"),
        lambda t: _alarm(t).update(Threshold=5),
        lambda t: _alarm(t).update(TreatMissingData="breaching"),
        lambda t: _alarm(t)["Dimensions"].append({"Name": "CallingCode", "Value": "44"}),
        lambda t: _alarm(t).update(AlarmActions=[]),
        lambda t: _dashboard_body(t, lambda b: b.replace(', "${SmsPumpingAlarm.Arn}"', "")),
    ],
    "check_self_sign_up": [
        lambda t: t["Parameters"]["AllowSelfSignUp"].update(Default="true"),
        lambda t: _the(t, "AWS::Cognito::UserPool").pop("AdminCreateUserConfig"),
    ],
    "check_write_attributes": [
        lambda t: _fn(t, SIGN_IN_CLIENT)["WriteAttributes"].append("email"),
        lambda t: _fn(t, SIGN_IN_CLIENT)["WriteAttributes"].append("phone_number"),
        lambda t: _fn(t, SIGN_IN_CLIENT).pop("WriteAttributes"),
        lambda t: _fn(t, SIGN_IN_CLIENT).update(PreventUserExistenceErrors="LEGACY"),
        lambda t: _fn(t, SIGN_IN_CLIENT).update(GenerateSecret=True),
        lambda t: _fn(t, SIGN_IN_CLIENT)["ExplicitAuthFlows"].append("ALLOW_USER_SRP_AUTH"),
        # Only in one combination: the check must evaluate each.
        lambda t: _fn(t, SIGN_IN_CLIENT).update(WriteAttributes={"Fn::If": [
            "PhoneOnly", _fn(t, SIGN_IN_CLIENT)["WriteAttributes"] + ["phone_number"], _fn(t, SIGN_IN_CLIENT)["WriteAttributes"]]}),
        lambda t: _fn(t, SIGN_UP_CLIENT).update(ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
        lambda t: _fn(t, SIGN_UP_CLIENT).pop("ExplicitAuthFlows"),
        lambda t: _fn(t, SIGN_UP_CLIENT).update(ExplicitAuthFlows=[]),
        lambda t: _fn(t, SIGN_UP_CLIENT).update(AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"]),
        lambda t: _fn(t, SIGN_UP_CLIENT)["WriteAttributes"].append("phone_number_verified"),
        lambda t: _fn(t, SIGN_UP_CLIENT).update(PreventUserExistenceErrors="LEGACY"),
    ],
    "check_sign_up_client": [
        lambda t: t["Resources"].pop(SIGN_UP_CLIENT),
        lambda t: t["Resources"][SIGN_UP_CLIENT].pop("Condition"),
        lambda t: _fn(t, SIGN_UP_CLIENT)["WriteAttributes"].remove("email"),
        lambda t: _fn(t, SIGN_UP_CLIENT)["WriteAttributes"].remove("phone_number"),
        lambda t: _fn(t, SIGN_UP_CLIENT)["WriteAttributes"].append("preferred_username"),
        lambda t: _fn(t, SIGN_UP_CLIENT).update(ExplicitAuthFlows={"Fn::If": [
            "EmailOnly", ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], ["ALLOW_REFRESH_TOKEN_AUTH"]]}),
        lambda t: t["Outputs"].pop("SignUpClientId"),
        lambda t: t["Outputs"]["SignUpClientId"].pop("Condition"),
        lambda t: t["Outputs"]["UserPoolClientId"].update(Value={"Ref": SIGN_UP_CLIENT}),
        lambda t: _fn(t, "UserPool").update(AutoVerifiedAttributes=["email"]),
        lambda t: _fn(t, "UserPool").update(UsernameAttributes={"Fn::If": ["EmailOnly", ["phone_number"], ["email", "phone_number"]]}),
    ],
    "check_sms_rules": [
        lambda t: t.pop("Rules"),
        lambda t: _rule(t)["RuleCondition"]["Fn::And"][1]["Fn::Contains"][0].remove("sms,sms"),
        lambda t: _rule(t)["RuleCondition"]["Fn::And"].pop(0),
        lambda t: _rule(t)["Assertions"].pop(1),
        lambda t: _rule(t)["Assertions"][0].update(AssertDescription="Set it."),
        lambda t: _rule(t)["Assertions"][1].update(AssertDescription=_rule(t)["Assertions"][0]["AssertDescription"]),
        lambda t: _rule(t)["Assertions"][0].update(Assert={"Fn::Not": [{"Fn::Equals": [{"Ref": "SmsAllowedCountries"}, "1"]}]}),
        lambda t: t["Parameters"]["OtpChannels"].update(AllowedPattern="^(sms|email)(,(sms|email)){0,2}$"),
    ],
    "check_ses": [
        lambda t: _ses_statement(t).pop("Condition"),
        lambda t: _create_statements(t).append({"Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*"}),
    ],
    "check_email_from": [lambda t: t["Parameters"]["EmailFrom"].pop("AllowedPattern")],
    "check_no_console_delivery": [
        lambda t: t["Parameters"].update(OtpDelivery={"Type": "String", "Default": "aws"}),
        lambda t: _fn(t, CREATE)["Environment"]["Variables"].update(OTP_DELIVERY="console"),
    ],
    "check_table": [
        lambda t: _the(t, "AWS::DynamoDB::Table").update(BillingMode="PROVISIONED"),
        lambda t: _the(t, "AWS::DynamoDB::Table")["TimeToLiveSpecification"].update(AttributeName="ttl"),
        lambda t: _the(t, "AWS::DynamoDB::Table").update(KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}]),
    ],
    "check_dynamodb_grant": [
        lambda t: _dynamo_statement(t).update(Action=["dynamodb:UpdateItem", "dynamodb:Query"]),
        lambda t: _dynamo_statement(t).update(Resource="*"),
        lambda t: _dynamo_statement(t).update(Resource={"Fn::Sub": "${RateLimitTable.Arn}/*"}),
        lambda t: _create_statements(t).append({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": {"Fn::GetAtt": ["RateLimitTable", "Arn"]}}),
        lambda t: _fn(t, CREATE)["Policies"].append({"DynamoDBCrudPolicy": {"TableName": {"Ref": "RateLimitTable"}}}),
        lambda t: _fn(t, VERIFY).update(Policies=[{"Statement": [
            {"Effect": "Allow", "Action": "dynamodb:UpdateItem", "Resource": "*"}]}]),
        lambda t: _fn(t, VERIFY).pop("Policies"),
        lambda t: _verify_statements(t)[0].update(Action=["dynamodb:UpdateItem", "dynamodb:GetItem"]),
        lambda t: _fn(t, "DefineAuthChallengeFunction").update(Policies=copy.deepcopy(_fn(t, VERIFY)["Policies"])),
    ],
    "check_limits_env": [
        lambda t: _fn(t, CREATE)["Environment"]["Variables"].pop("MAX_CODES_PER_USER"),
        lambda t: t["Parameters"]["HashKey"].pop("NoEcho"),
        lambda t: _fn(t, CREATE)["Environment"]["Variables"].pop("MAX_SMS_PER_PREFIX_PER_HOUR"),
        lambda t: _fn(t, CREATE)["Environment"]["Variables"].update(SMS_CONVERSION_MIN_SENT={"Ref": "SmsConversionMinPercent"}),
        lambda t: t["Parameters"]["SmsConversionMinPercent"].update(Default=0),
        lambda t: t["Parameters"]["SmsConversionWindowSeconds"].update(MinValue=60),
        lambda t: t["Parameters"]["MaxSmsPerCallingCodePerHour"].update(Type="String"),
        lambda t: t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"][3]["Parameters"].remove("SmsConversionMinSent"),
        lambda t: _fn(t, VERIFY)["Environment"]["Variables"].pop("HASH_KEY"),
        lambda t: _fn(t, VERIFY)["Environment"]["Variables"].update(HASH_KEY={"Ref": "HashKey"}),
        lambda t: _fn(t, VERIFY)["Environment"]["Variables"].pop("RATE_LIMIT_TABLE"),
        lambda t: _fn(t, VERIFY)["Environment"]["Variables"].pop("SMS_CONVERSION_WINDOW_SECONDS"),
    ],
    "check_first_sign_in": [
        lambda t: _mark_statement(t).update(Resource="*"),
        lambda t: _mark_statement(t).update(Resource={"Fn::Sub": "arn:${AWS::Partition}:cognito-idp:*:*:userpool/*"}),
        lambda t: _mark_statement(t).update(Action=["cognito-idp:AdminUpdateUserAttributes", "cognito-idp:AdminSetUserPassword"]),
        lambda t: _mark_policy(t)["Properties"].update(Roles=[{"Ref": "CreateAuthChallengeFunctionRole"}]),
        lambda t: _mark_policy(t).pop("Condition"),
        lambda t: _mark_policy(t).update(Condition="HasAlarmEmail"),
        lambda t: _fn(t, VERIFY).update(Policies=[{"Statement": [copy.deepcopy(_mark_statement(t))]}]),
        lambda t: _fn(t, CREATE)["Environment"]["Variables"].update(OTP_REQUIRE_VERIFIED={"Ref": "OtpRequireVerified"}),
        lambda t: _fn(t, VERIFY).pop("Environment"),
        lambda t: _the(t, "AWS::Cognito::UserPool").pop("LambdaConfig"),
        lambda t: t["Resources"][PRE_SIGN_UP].pop("Condition"),
        lambda t: _fn(t, PRE_SIGN_UP)["Environment"]["Variables"].update(OTP_REQUIRE_VERIFIED={"Ref": "OtpRequireVerified"}),
        lambda t: _fn(t, PRE_SIGN_UP)["Environment"]["Variables"].pop("SIGNUP_EMAIL_DOMAINS"),
        lambda t: t["Resources"].pop("PreSignUpPermission"),
        lambda t: t["Parameters"]["OtpRequireVerified"].update(AllowedValues=["true", "false"]),
    ],
    "check_no_cycles": [
        # The grant in verify's own Policies: the pool waits for verify, verify for its role, the role for the pool.
        lambda t: _fn(t, VERIFY).update(Policies=[{"Statement": [copy.deepcopy(_mark_statement(t))]}]),
        lambda t: t["Resources"]["UserPool"].update(DependsOn=["VerifyMarksVerifiedPolicy"]),
    ],
    "check_timeout": [lambda t: t["Globals"]["Function"].update(Timeout=6)],
    "check_makefile": [lambda t: t["Resources"][CREATE].pop("Metadata")],
}


def self_test(t, makefile_text):
    problems = []
    for check in CHECKS:
        breakages = BREAKAGES.get(check.__name__, [])
        if not breakages:
            problems.append("%s has no breakage to prove it can fail" % check.__name__)
        for i, breakage in enumerate(breakages):
            broken = copy.deepcopy(t)
            breakage(broken)
            if check.__name__ not in run(broken, makefile_text, quiet=True):
                problems.append("%s passed a template broken on purpose (breakage %d)" % (check.__name__, i + 1))
    text = makefile_text.replace("build-VerifyAuthChallengeFunction:", "build-Verify:")
    if "check_makefile" not in run(t, text, quiet=True):
        problems.append("check_makefile passed a Makefile without build-VerifyAuthChallengeFunction")
    for p in problems:
        print("check-template: FAIL  self-test: " + p)
    if not problems:
        count = sum(len(b) for b in BREAKAGES.values()) + 1
        print("check-template: ok    self-test: each of the %d checks fails on its %d breakages" % (len(CHECKS), count))
    return not problems


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    path = args[0] if args else "template.yaml"
    makefile = re.sub(r"[^/]*$", "Makefile", path) if "/" in path else "Makefile"
    t = load(path)
    try:
        with open(makefile, encoding="utf-8") as f:
            makefile_text = f.read()
    except OSError:
        makefile_text = ""
    failed = run(t, makefile_text)
    ok = not failed
    if "--self-test" in argv:
        ok = self_test(t, makefile_text) and ok
    if failed:
        print("check-template: %d of %d checks failed: %s" % (len(failed), len(CHECKS), ", ".join(failed)), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
