"""Drives passwordless-endpoint with clients nobody here wrote: boto3's cognito-idp client, the AWS CLI and PyJWT.

    client_test.py --endpoint-bin PATH [--sign-up] [--scenario main|expiry|functions|usernames|pumping|descriptors|after-sign-in|template|answers|timeouts|essentials]

main: sign-ins, errors, 50 at once, the admin calls, sign-up, then a restart on the same state that keeps an account
and the signing key. expiry: session tokens outlive neither the pool's 3 minutes nor their one use (the endpoint's --test-clock moves time).
functions: --functions DIR with a create that errors, takes 6 s, exits, and no pre-sign-up. usernames:
--username-attributes none, with channel choice on. pumping: self sign-ups to made-up numbers asking for codes they
never answer, with the shared limits in moto's DynamoDB (started here, IAM checks on), the SMS pumping guard's defaults.
descriptors: the endpoint under a limit of 64 descriptors, held open by idle connections, then freed: it serves again.
after-sign-in: what an app does after sign-in, through boto3 and the AWS CLI: refresh (both flow names and
GetTokensFromRefreshToken), GetUser, GlobalSignOut and what it refuses afterwards, RevokeToken, AdminUserGlobalSignOut,
and USERNAME required in challenge responses. answers: Cognito's answers where apps notice, through boto3 and the AWS
CLI: input checks before any trigger, SignUp's refusals and wording, AdminCreateUser's FORCE_CHANGE_PASSWORD and
MessageAction, NEW_PASSWORD_REQUIRED after the custom challenge, AdminSetUserPassword, GetUser's members,
UpdateUserAttributes, DeleteUser, AdminDisableUser/AdminEnableUser, AdminInitiateAuth/AdminRespondToAuthChallenge.
timeouts: a kept-alive connection left idle is closed after the endpoint's
10 s, a client that trickles its request in a byte a second (a slow loris) is cut off 10 s after its first byte, and
the endpoint serves a sign-in meanwhile and after.
template: the pool template.yaml declares (--template, --parameter):
email sign-up and sign-in with AllowSelfSignUp=true, the clients' WriteAttributes, then the same template with its
defaults refusing SignUp, and a bad parameter refused at start.
essentials: Cognito Essentials' own passwordless sign-in (--first-factors EMAIL_OTP,SMS_OTP), through boto3 and the AWS
CLI: a seed article's client code unchanged (AdminGetUser, AdminCreateUser with MessageAction SUPPRESS, InitiateAuth
USER_AUTH with PREFERRED_CHALLENGE EMAIL_OTP, RespondToAuthChallenge EMAIL_OTP), a wrong code, SELECT_CHALLENGE and
SMS_OTP, the admin form, the refusals, the codes in the outbox and never in the log, then the same pool from a template.
The others run without a template (--no-template).
Each starts its own endpoint (port 0, a temporary state directory and outbox).

Every check raises on failure; the exit status is 0 only if all of them passed.
"""
import argparse, atexit, json, os, re, resource, shutil, subprocess, sys, tempfile, threading, time, urllib.request, urllib.error

import boto3, botocore, jwt

ap = argparse.ArgumentParser()
ap.add_argument("--endpoint-bin", required=True)
ap.add_argument("--sign-up", action="store_true")
ap.add_argument("--scenario", choices=["main", "expiry", "functions", "usernames", "pumping", "descriptors", "after-sign-in", "template", "answers", "timeouts",
                                       "essentials"],
                default="main")
args = ap.parse_args()
WORK = tempfile.mkdtemp(prefix="endpoint-test-")
args.outbox = os.path.join(WORK, "outbox.jsonl")
args.pool_id, args.client_id = "us-east-1_LocalPool", "passwordlesslocalclient"
SIGN_UP_CLIENT = "passwordlesslocalsignup"  # the template's SignUpClient: SignUp only


def start_endpoint(*extra, files=None, **variables):
    if args.scenario == "usernames":
        variables.setdefault("OTP_CHANNEL_CHOICE", "true")
    env = {"PATH": "/usr/bin:/bin", "OTP_DELIVERY": "console", "HOME": WORK, **variables}
    # Run from the checkout, the endpoint would read template.yaml: the scenarios without one say so.
    pool = [] if "--template" in extra else ["--no-template"]
    proc = subprocess.Popen([args.endpoint_bin, "--port", "0", "--state", os.path.join(WORK, "state"), "--outbox", args.outbox, *pool,
                             *extra], env=env, stdout=subprocess.PIPE, stderr=open(os.path.join(WORK, "endpoint.log"), "ab"), text=True,
                            preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))) if files else None)
    line = proc.stdout.readline()
    match = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
    if not match:
        proc.kill()
        raise AssertionError(f"the endpoint printed {line!r}")
    return proc, match.group(1)


CLOCK = os.path.join(WORK, "clock")
EXTRA = {"main": [], "expiry": ["--auth-session-minutes", "3", "--test-clock", CLOCK], "usernames": ["--username-attributes", "none"],
         "functions": ["--functions", os.path.join(WORK, "functions")], "pumping": [], "descriptors": [],
         "after-sign-in": [], "answers": [], "timeouts": [], "essentials": ["--first-factors", "EMAIL_OTP,SMS_OTP"],
         "template": ["--template", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "template.yaml"),
                      "--parameter", "AllowSelfSignUp=true", "--parameter", "SmsAllowedCountries=44",
                      "--parameter", "MaxSmsPerHour=100", "--parameter", "AuthSessionValidity=5"]}[args.scenario]
if args.scenario == "functions":
    # define and verify as built; create fails as Lambda functions fail; no pre-sign-up.
    built = os.path.dirname(os.path.abspath(args.endpoint_bin))
    os.makedirs(os.path.join(WORK, "functions", "create-auth-challenge"))
    os.symlink(os.path.join(built, "define-auth-challenge"), os.path.join(WORK, "functions", "define-auth-challenge"))
    os.symlink(os.path.join(built, "verify-auth-challenge"), os.path.join(WORK, "functions", "verify-auth-challenge"))
    failing = os.path.join(os.path.dirname(os.path.abspath(__file__)), "failing_function.py")
    bootstrap = os.path.join(WORK, "functions", "create-auth-challenge", "bootstrap")
    with open(bootstrap, "w") as f:
        f.write(f"#!/bin/sh\nexec {sys.executable} {failing} {os.path.join(WORK, 'invocations')}\n")
    os.chmod(bootstrap, 0o755)
if args.scenario == "pumping":
    # moto's DynamoDB on loopback with the role the functions sign with (Tests/MotoSupport/moto_harness.py).
    harness = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "MotoSupport",
                                                             "moto_harness.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    atexit.register(harness.kill)
    moto = json.loads(harness.stdout.readline())
    LIMITS = {"RATE_LIMIT_TABLE": moto["rateLimitTable"], "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{moto['motoPort']}",
              "AWS_ACCESS_KEY_ID": moto["role"]["accessKeyId"], "AWS_SECRET_ACCESS_KEY": moto["role"]["secretAccessKey"],
              "AWS_SESSION_TOKEN": moto["role"]["sessionToken"], "SMS_ALLOWED_COUNTRIES": "44,49,33", "MAX_SMS_PER_HOUR": "10000"}
    endpoint, args.endpoint = start_endpoint(*EXTRA, **LIMITS)
elif args.scenario == "descriptors":
    endpoint, args.endpoint = start_endpoint(files=64)
else:
    endpoint, args.endpoint = start_endpoint(*EXTRA)
atexit.register(lambda: endpoint.poll() is None and endpoint.kill())  # a failed check leaves no endpoint running
CREDS = dict(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
idp = boto3.client("cognito-idp", endpoint_url=args.endpoint, **CREDS)
POOL, CLIENT = args.pool_id, args.client_id
checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def error_of(call, **kw):
    try:
        call(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded where it should fail")


def last_code(destination):
    # The endpoint answers once the message is in the outbox: it is read once, with no waiting.
    for line in reversed(open(args.outbox).read().splitlines() if os.path.exists(args.outbox) else []):
        sent = json.loads(line)
        if sent["destination"] == destination:
            return "".join(ch for ch in sent["message"].split(" is ")[1] if ch.isdigit())[:6]
    raise AssertionError(f"no message to {destination}")


def new_code(destination, before):
    """The code of a message sent after `before` messages to destination."""
    if messages_to(destination) <= before:
        raise AssertionError(f"no new message to {destination}")
    return last_code(destination)


def messages_to(destination):
    if not os.path.exists(args.outbox):
        return 0
    return sum(1 for line in open(args.outbox).read().splitlines() if json.loads(line)["destination"] == destination)


def start(username, **kw):
    return idp.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": username}, **kw)


def admin_create(**kw):
    """AdminCreateUser, then what an administrator does so the account signs in with its codes alone
    (docs/deploy.md): a permanent password takes it out of FORCE_CHANGE_PASSWORD. The password is never used."""
    made = idp.admin_create_user(**kw)
    idp.admin_set_user_password(UserPoolId=kw["UserPoolId"], Username=kw["Username"], Password="Perm4nent!" + os.urandom(4).hex(),
                                Permanent=True)
    return made


def sign_up(username, client=SIGN_UP_CLIENT, **kw):
    """SignUp with a throw-away password, as an app makes one: nobody ever signs in with it."""
    return idp.sign_up(ClientId=client, Username=username, Password="Thr0w-away!" + os.urandom(8).hex(), **kw)


def answer(challenge, text, metadata=None):
    kw = {"ClientMetadata": metadata} if metadata else {}
    return idp.respond_to_auth_challenge(
        ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": challenge["ChallengeParameters"]["USERNAME"], "ANSWER": text}, **kw)


def verified_claims(result):
    jwks = jwt.PyJWKClient(f"{args.endpoint}/{POOL}/.well-known/jwks.json")
    id_token, access = result["AuthenticationResult"]["IdToken"], result["AuthenticationResult"]["AccessToken"]
    issuer = f"{args.endpoint}/{POOL}"
    claims = jwt.decode(id_token, jwks.get_signing_key_from_jwt(id_token).key, algorithms=["RS256"], audience=CLIENT, issuer=issuer)
    access_claims = jwt.decode(access, jwks.get_signing_key_from_jwt(access).key, algorithms=["RS256"], issuer=issuer,
                               options={"verify_aud": False})
    check(claims["token_use"] == "id" and access_claims["token_use"] == "access", "token_use")
    check(access_claims["client_id"] == CLIENT and access_claims["username"] == claims["cognito:username"], "access claims")
    check(claims["origin_jti"] == access_claims["origin_jti"] and claims["jti"] != access_claims["jti"], "jti")
    check(result["AuthenticationResult"]["TokenType"] == "Bearer" and result["AuthenticationResult"]["ExpiresIn"] == 3600, "token type")
    return claims


def sign_in(username, destination):
    sent = messages_to(destination)
    first = start(username)
    check(first["ChallengeName"] == "CUSTOM_CHALLENGE", "a code challenge")
    return answer(first, new_code(destination, sent))


def codes_to(destination):
    """Every code sent to destination, oldest first."""
    lines = open(args.outbox).read().splitlines() if os.path.exists(args.outbox) else []
    return ["".join(ch for ch in sent["message"].split(" is ")[1] if ch.isdigit())[:6]
            for sent in map(json.loads, lines) if sent["destination"] == destination]


def finish():
    endpoint.terminate()
    endpoint.wait(10)
    shutil.rmtree(WORK, ignore_errors=True)
    print(f"{checks} checks passed")
    sys.exit(0)


def move_clock(seconds):
    """Moves the endpoint's clock to `seconds` after the start of the scenario (read by the endpoint at every use)."""
    with open(CLOCK + ".new", "w") as f:
        f.write(str(seconds))
    os.replace(CLOCK + ".new", CLOCK)


def expiry():
    """Each session token lasts the pool's AuthSessionValidity from when it was issued, and works once."""
    phone = "+15555550100"
    admin_create(UserPoolId=POOL, Username=phone, UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
    kept, left = start(phone), start(phone)
    first_code, second_code = codes_to(phone)
    move_clock(120)
    renewed = answer(kept, "000000")
    check(renewed["ChallengeName"] == "CUSTOM_CHALLENGE" and renewed["Session"] != kept["Session"], "a wrong code: a new token")
    used = error_of(answer, challenge=kept, text=first_code)
    check(used == ("NotAuthorizedException", "Incorrect username or password.", 400), f"a token works once: {used}")
    move_clock(185)
    expired = error_of(answer, challenge=left, text=second_code)
    check(expired == ("NotAuthorizedException", "Invalid session for the user, session is expired.", 400), f"after 3 minutes: {expired}")
    # The token issued at 2 minutes is a minute old: still good.
    check("AuthenticationResult" in answer(renewed, first_code), "a token from a later round lasts from its own issue")
    print(f"{checks}: session tokens expire after 3 minutes each")


def functions():
    """Triggers that error or run past 5 s answer UserLambdaValidationException; the endpoint keeps serving."""
    phone = "+15555550100"
    made = admin_create(UserPoolId=POOL, Username=phone, UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
    failed = error_of(start, username=phone)
    check(failed == ("UserLambdaValidationException", "CreateAuthChallenge failed with error boom.", 400), f"an error: {failed}")
    begun = time.monotonic()
    slow = error_of(start, username=phone)
    waited = time.monotonic() - begun
    check(slow == ("UserLambdaValidationException", "CreateAuthChallenge failed with error Task timed out after 5.00 seconds.", 400),
          f"past 5 s: {slow}")
    check(5.0 <= waited < 6.0, f"Cognito's 5 s wait, waited {waited:.2f} s")
    # As on Lambda, the instance that ran out of time was ended; the next invocation starts a new one, and a
    # process that exits fails the invocation it had.
    exited = error_of(start, username=phone)
    check(exited[0] == "UserLambdaValidationException" and re.fullmatch(
        r"CreateAuthChallenge failed with error RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3\.",
        exited[1]), f"a process that exits: {exited}")
    fourth = start(phone)
    check(fourth["ChallengeParameters"] == {"USERNAME": made["User"]["Username"]}, f"a new process answers: {fourth}")
    check(open(os.path.join(WORK, "invocations")).read() == "4", "four invocations in all")
    check(messages_to(phone) == 0, "nothing was sent")
    # With no pre-sign-up, a self sign-up stays unconfirmed, and cannot sign in.
    signed = sign_up("unconfirmed@example.com")
    check(signed["UserConfirmed"] is False, "no pre-sign-up: not confirmed")
    refused = error_of(start, username="unconfirmed@example.com")
    check(refused[:2] == ("UserNotConfirmedException", "User is not confirmed."), f"unconfirmed: {refused}")
    # Bad configuration: define reports it at init and exits; the sign-in fails with its words, every time.
    global endpoint
    endpoint.terminate()
    endpoint.wait(10)
    endpoint, url = start_endpoint(*EXTRA, MAX_ATTEMPTS="eleven")
    misconfigured = boto3.client("cognito-idp", endpoint_url=url, **CREDS)
    for _ in range(2):
        failed = error_of(misconfigured.initiate_auth, ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
        check(failed[0] == "UserLambdaValidationException" and failed[1].startswith("DefineAuthChallenge failed with error ")
              and "MAX_ATTEMPTS" in failed[1], f"an init error: {failed}")
    print(f"{checks}: a trigger that errors, one past 5 s, one that exits, one misconfigured, and no pre-sign-up")


def usernames():
    """--username-attributes none: accounts sign in by their user name; a phone number is just an unknown name."""
    phone = "+15555550100"
    admin_create(UserPoolId=POOL, Username="alice", UserAttributes=[
        {"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": "true"}])
    first = start("alice")
    check(first["ChallengeParameters"]["USERNAME"] == "alice" and first["ChallengeParameters"]["destination"] == "+**********",
          f"by user name: {first['ChallengeParameters']}")
    claims = verified_claims(answer(first, last_code(phone)))
    check(claims["cognito:username"] == "alice" and claims["phone_number"] == phone, f"claims {claims}")
    sent = messages_to(phone)
    by_phone = start(phone)
    check(by_phone["ChallengeParameters"]["USERNAME"] == phone and messages_to(phone) == sent, "the phone number is not a user name")
    # Channel choice (OTP_CHANNEL_CHOICE=true in this scenario): a round that sends nothing, then the chosen channel.
    email = "carol@example.com"
    admin_create(UserPoolId=POOL, Username="carol", UserAttributes=[
        {"Name": "phone_number", "Value": "+15555550101"}, {"Name": "phone_number_verified", "Value": "true"},
        {"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}])
    choice = start("carol")
    offered = choice["ChallengeParameters"]
    check(offered["step"] == "channel" and offered["channels"] == "sms,email" and messages_to(email) == 0
          and messages_to("+15555550101") == 0, f"a choice of channel first: {offered}")
    chosen = answer(choice, "email", {"channel": "email"})
    check(chosen["ChallengeParameters"]["channel"] == "email" and messages_to(email) == 1 and messages_to("+15555550101") == 0,
          f"the code by email: {chosen['ChallengeParameters']}")
    check(verified_claims(answer(chosen, last_code(email)))["cognito:username"] == "carol", "carol signs in by email")
    taken = error_of(idp.admin_create_user, UserPoolId=POOL, Username="alice")
    check(taken[:2] == ("UsernameExistsException", "User account already exists"), f"a taken name: {taken}")
    if args.sign_up:
        email = "bob@example.com"
        signed = sign_up("bob", UserAttributes=[{"Name": "email", "Value": email}])
        check(signed["UserConfirmed"] is True, "pre-sign-up confirms bob")
        check(verified_claims(sign_in("bob", email))["cognito:username"] == "bob", "bob signs in by name")
    print(f"{checks}: sign-in by user name")


def pump(numbers):
    """Each number signs up, asks for a code, and asks twice more, never answering. Every round must be answered as
    a send is: the guard's refusals say nothing."""
    for number in numbers:
        sign_up(number)
        challenge = start(number)
        check(challenge["ChallengeParameters"]["step"] == "code", f"a code round for {number}")
        for _ in range(2):
            challenge = answer(challenge, "resend", {"action": "resend"})
            check(challenge["ChallengeName"] == "CUSTOM_CHALLENGE", f"a resend for {number} looks like a send")
    return sum(messages_to(number) for number in numbers)


def failed_open():
    """How many sends so far went ahead because the shared limits could not be checked (RATE_LIMIT_ON_ERROR=allow)."""
    return sum('"shared limits could not be checked"' in line for line in open(os.path.join(WORK, "endpoint.log")))


def pumping():
    """SMS pumping with the guard's defaults: 60 new numbers in three blocks of one calling code, a code and two
    resends each (180 codes asked), get at most 30 SMS; a real user of another calling code signs in; then 300 more in
    20 blocks of two calling codes."""
    numbers = [f"+44770090{block}{1000 + i}" for block in range(3) for i in range(20)]
    sent = pump(numbers)
    # RATE_LIMIT_ON_ERROR=allow (the default) sends when moto cannot answer within create's deadline, as on a machine
    # loaded by other work: each such send is logged, and is the only way past the guard.
    opened = failed_open()
    check(sent <= 30 + opened, f"{sent} SMS for 180 codes asked ({opened} sent with the limits unchecked)")
    check(20 <= sent <= 20 + opened, f"the conversion brake closes calling code 44 after 20 unanswered codes: {sent} ({opened} unchecked)")
    log = open(os.path.join(WORK, "endpoint.log")).read()
    check("SMS refused: conversion brake" in log and '"callingCode":"44"' in log, "the brake's log line names the calling code")
    check(not any(number in log for number in numbers), "no whole number in the log")
    real = "+33612345678"
    sign_up(real)
    check("AuthenticationResult" in sign_in(real, real), "a real user of another calling code signs in")
    print(f"{checks}: 60 pumped numbers got {sent} SMS of 180 asked; a +33 user signed in")
    more = [f"+4477009{block}{1000 + i}" for block in range(10, 20) for i in range(15)]
    more += [f"+4915111{block}{1000 + i}" for block in range(10, 20) for i in range(15)]
    sent_more = pump(more)
    opened_more = failed_open() - opened
    check(sum(messages_to(n) for n in more if n.startswith("+49")) <= 20 + opened_more,
          f"{sent_more} SMS for 900 more codes asked ({opened_more} sent with the limits unchecked)")
    check(sum(messages_to(n) for n in more if n.startswith("+44")) <= opened_more, "calling code 44 stays closed")
    second = "+33612345679"
    sign_up(second)
    check("AuthenticationResult" in sign_in(second, second), "and another after 300 more")
    print(f"{checks}: 300 more numbers got {sent_more} SMS of 900 asked")


def descriptors():
    """Idle connections use up the endpoint's descriptors; once they close, it accepts and serves again."""
    import socket
    phone = "+15555550100"
    admin_create(UserPoolId=POOL, Username=phone, UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
    check("AuthenticationResult" in sign_in(phone, phone), "a sign-in before")
    host, port = args.endpoint.split("//")[1].split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(100)]
    # The endpoint says so once it has run out, before any of them is closed (its log is read, not timed).
    log = os.path.join(WORK, "endpoint.log")
    for _ in range(500):
        if "Too many open files" in open(log).read():
            break
        socket.create_connection((host, int(port))).close()
    check("Too many open files" in open(log).read(), "the endpoint ran out of descriptors")
    for connection in idle:
        connection.close()
    check("AuthenticationResult" in sign_in(phone, phone), "a sign-in after the idle connections closed")
    print(f"{checks}: out of descriptors and back")


def timeouts():
    """The endpoint closes an idle kept-alive connection and cuts off a slow loris, and serves others all the while."""
    import socket
    phone = "+15555550100"
    admin_create(UserPoolId=POOL, Username=phone, UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
    host, port = args.endpoint.split("//")[1].split(":")
    ended = {}

    def idle():
        connection = socket.create_connection((host, int(port)))
        connection.sendall(f"OPTIONS / HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        answer = connection.recv(65536)
        check(answer.startswith(b"HTTP/1.1 200 "), f"an answer before the idle time: {answer[:40]!r}")
        started = time.monotonic()
        connection.settimeout(30)
        rest = connection.recv(65536)  # nothing comes until the endpoint closes it
        ended["idle"] = (time.monotonic() - started, rest)

    def slow_loris():
        connection = socket.create_connection((host, int(port)))
        connection.settimeout(1)
        started = time.monotonic()
        request = f"POST / HTTP/1.1\r\nHost: {host}:{port}\r\n" + "X-Slow: " + "a" * 60 + "\r\n\r\n"
        for byte in request.encode():
            try:
                connection.sendall(bytes([byte]))
                if connection.recv(65536) == b"":
                    break  # closed by the endpoint
            except socket.timeout:
                continue  # nothing to read yet: the next byte after a second
            except OSError:
                break
        ended["slow"] = time.monotonic() - started

    threads = [threading.Thread(target=idle), threading.Thread(target=slow_loris)]
    for thread in threads:
        thread.start()
    check("AuthenticationResult" in sign_in(phone, phone), "a sign-in while they hold their connections")
    for thread in threads:
        thread.join(60)
    waited, rest = ended["idle"]
    check(rest == b"" and 9 <= waited < 20, f"the idle connection closed after {waited:.1f} s with {rest[:40]!r}")
    check(9 <= ended["slow"] < 20, f"the slow loris cut off after {ended['slow']:.1f} s (its request takes about 80 s)")
    check("AuthenticationResult" in sign_in(phone, phone), "a sign-in after")
    print(f"{checks}: idle closed after {waited:.1f} s, slow loris cut off after {ended['slow']:.1f} s")


def raw(body, target="AWSCognitoIdentityProviderService.InitiateAuth", headers=None):
    request = urllib.request.Request(args.endpoint + "/", data=body, method="POST", headers={
        "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1", **(headers or {})})
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, json.loads(reply.read() or b"{}")
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, json.loads(text) if text else {}


def cli(*arguments):
    """One `aws cognito-idp` call, unmodified, against the endpoint: (exit status, parsed answer or None, standard error)."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run([os.path.join(os.path.dirname(sys.executable), "aws"), "cognito-idp", arguments[0], "--endpoint-url",
                          args.endpoint, *arguments[1:]], env=env, capture_output=True, text=True)
    return out.returncode, (json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else None), out.stderr


def refresh(token, flow="REFRESH_TOKEN_AUTH"):
    return idp.initiate_auth(ClientId=CLIENT, AuthFlow=flow, AuthParameters={"REFRESH_TOKEN": token})


def after_sign_in():
    phone, other = "+15555550100", "+15555550101"
    for number in (phone, other):
        admin_create(UserPoolId=POOL, Username=number, UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
    signed = sign_in(phone, phone)
    first = verified_claims(signed)
    token = signed["AuthenticationResult"]["RefreshToken"]
    # Refresh: new ID and access tokens of the same sign-in, no new refresh token (rotation is off), in each client.
    for renewed in (refresh(token), refresh(token, "REFRESH_TOKEN"), idp.get_tokens_from_refresh_token(ClientId=CLIENT, RefreshToken=token)):
        check("RefreshToken" not in renewed["AuthenticationResult"], f"no new refresh token: {sorted(renewed['AuthenticationResult'])}")
        claims = verified_claims(renewed)
        check(claims["origin_jti"] == first["origin_jti"] and claims["auth_time"] == first["auth_time"], "the same sign-in")
        check(idp.get_user(AccessToken=renewed["AuthenticationResult"]["AccessToken"])["Username"] == first["cognito:username"], "GetUser")
    status, answer, err = cli("initiate-auth", "--client-id", CLIENT, "--auth-flow", "REFRESH_TOKEN_AUTH", "--auth-parameters",
                              f"REFRESH_TOKEN={token}")
    check(status == 0 and "AccessToken" in answer["AuthenticationResult"] and "RefreshToken" not in answer["AuthenticationResult"],
          f"aws cli refresh: {err}")
    access = answer["AuthenticationResult"]["AccessToken"]
    status, me, err = cli("get-user", "--access-token", access)
    check(status == 0 and me["Username"] == first["cognito:username"], f"aws cli get-user: {err}")
    status, tokens, err = cli("get-tokens-from-refresh-token", "--client-id", CLIENT, "--refresh-token", token)
    check(status == 0 and "IdToken" in tokens["AuthenticationResult"], f"aws cli get-tokens-from-refresh-token: {err}")
    check(error_of(refresh, token="bm90LWEtdG9rZW4")[:2] == ("NotAuthorizedException", "Invalid Refresh Token"), "an unknown token")
    check(error_of(idp.initiate_auth, ClientId=SIGN_UP_CLIENT, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": token})[:2]
          == ("NotAuthorizedException", "Invalid Refresh Token"), "the sign-up client issued no token")
    print(f"{checks}: refresh through boto3 and the AWS CLI")

    # GlobalSignOut (AWS CLI): the access tokens and the refresh token are refused afterwards, as Cognito words it.
    kept = sign_in(other, other)["AuthenticationResult"]
    status, answer, err = cli("global-sign-out", "--access-token", access)
    check(status == 0, f"aws cli global-sign-out: {err}")
    for access_token in (access, signed["AuthenticationResult"]["AccessToken"]):
        check(error_of(idp.get_user, AccessToken=access_token)[:2] == ("NotAuthorizedException", "Access Token has been revoked"),
              "GetUser after GlobalSignOut")
    check(error_of(refresh, token=token)[:2] == ("NotAuthorizedException", "Refresh Token has been revoked"), "refresh after sign-out")
    status, _, err = cli("initiate-auth", "--client-id", CLIENT, "--auth-flow", "REFRESH_TOKEN_AUTH", "--auth-parameters",
                         f"REFRESH_TOKEN={token}")
    check(status != 0 and "NotAuthorizedException" in err and "Refresh Token has been revoked" in err, f"aws cli refresh refused: {err}")
    status, _, err = cli("get-user", "--access-token", access)
    check(status != 0 and "Access Token has been revoked" in err, f"aws cli get-user refused: {err}")
    check(idp.get_user(AccessToken=kept["AccessToken"])["Username"] != first["cognito:username"], "another account keeps its sign-in")
    print(f"{checks}: GlobalSignOut")

    # RevokeToken (boto3): that sign-in only.
    one, two = sign_in(phone, phone)["AuthenticationResult"], sign_in(phone, phone)["AuthenticationResult"]
    check(error_of(idp.revoke_token, ClientId=CLIENT, Token=one["AccessToken"])[0] == "UnsupportedTokenTypeException", "an access token")
    idp.revoke_token(ClientId=CLIENT, Token=one["RefreshToken"])
    check(error_of(refresh, token=one["RefreshToken"])[:2] == ("NotAuthorizedException", "Refresh Token has been revoked"), "revoked")
    check(error_of(idp.get_user, AccessToken=one["AccessToken"])[1] == "Access Token has been revoked", "its access token")
    check(refresh(two["RefreshToken"])["AuthenticationResult"]["AccessToken"], "the other sign-in keeps its refresh token")
    status, _, err = cli("revoke-token", "--client-id", CLIENT, "--token", two["RefreshToken"])
    check(status == 0, f"aws cli revoke-token: {err}")
    check(error_of(refresh, token=two["RefreshToken"])[1] == "Refresh Token has been revoked", "revoked through the AWS CLI")
    print(f"{checks}: RevokeToken")

    # AdminUserGlobalSignOut, signed, through boto3 and the AWS CLI.
    three = sign_in(phone, phone)["AuthenticationResult"]
    idp.admin_user_global_sign_out(UserPoolId=POOL, Username=phone)
    check(error_of(idp.get_user, AccessToken=three["AccessToken"])[1] == "Access Token has been revoked", "admin sign-out")
    check(error_of(refresh, token=three["RefreshToken"])[1] == "Refresh Token has been revoked", "admin sign-out: refresh")
    status, _, err = cli("admin-user-global-sign-out", "--user-pool-id", POOL, "--username", other)
    check(status == 0, f"aws cli admin-user-global-sign-out: {err}")
    check(error_of(refresh, token=kept["RefreshToken"])[1] == "Refresh Token has been revoked", "aws cli admin sign-out")
    check(raw(json.dumps({"UserPoolId": POOL, "Username": phone}).encode(), "AWSCognitoIdentityProviderService.AdminUserGlobalSignOut")[1]
          .get("__type") == "MissingAuthenticationTokenException", "AdminUserGlobalSignOut is signed")
    print(f"{checks}: AdminUserGlobalSignOut")

    # Every challenge response names its user: without USERNAME the answer is refused, and the session still works.
    challenge = start(phone)
    code, message, _ = error_of(idp.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE",
                                Session=challenge["Session"], ChallengeResponses={"ANSWER": last_code(phone)})
    check((code, message) == ("InvalidParameterException", "Missing required parameter USERNAME"), f"no USERNAME: {code} {message}")
    code, message, _ = error_of(idp.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE",
                                Session=challenge["Session"], ChallengeResponses={"USERNAME": other, "ANSWER": last_code(phone)})
    check((code, message) == ("NotAuthorizedException", "Invalid session provided for the user."), f"another USERNAME: {code} {message}")
    # The refresh tokens are secrets: neither the state directory nor the endpoint's log holds one.
    kept_files = "".join(open(os.path.join(root, name), errors="replace").read()
                         for root, _, names in os.walk(os.path.join(WORK, "state")) for name in names)
    log = open(os.path.join(WORK, "endpoint.log"), errors="replace").read()
    for secret in (token, one["RefreshToken"], two["RefreshToken"], three["RefreshToken"], kept["RefreshToken"]):
        check(secret not in kept_files and secret not in log, "a refresh token in the state directory or the log")
    print(f"{checks}: USERNAME, no refresh token kept in the clear")


def template():
    """The pool template.yaml deploys with AllowSelfSignUp=true, through boto3: sign-up by email and sign-in with it."""
    email = "ada@example.com"
    signed = sign_up(email)
    check(signed["UserConfirmed"] is True, f"pre-sign-up from the template confirms it: {signed}")
    result = sign_in(email, email)
    claims = verified_claims(result)
    check(claims["email"] == email and claims["email_verified"] is True, f"the first code verifies the email: {claims}")
    shown = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])["UserAttributes"]}
    check(shown.get("email") == email and shown.get("email_verified") == "true" and "sub" in shown, f"GetUser: {shown}")
    # The sign-in client's WriteAttributes leave out email: SignUp through it is refused; the sign-up client issues
    # no tokens (its one flow is refresh).
    refused = error_of(sign_up, username="eve@example.com", client=CLIENT)
    check(refused[0] == "NotAuthorizedException", f"the sign-in client may not write email: {refused}")
    flow = error_of(idp.initiate_auth, ClientId=SIGN_UP_CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": email})
    check(flow[0] == "InvalidParameterException" and "not enabled" in flow[1], f"CUSTOM_AUTH on the sign-up client: {flow}")
    endpoint.terminate()
    endpoint.wait(10)
    print(f"{checks}: sign-up and sign-in by email in the pool template.yaml declares")

    # template.yaml with its defaults: self sign-up off, and no sign-up client.
    closed, url = start_endpoint("--template", EXTRA[1])
    try:
        admin_only = boto3.client("cognito-idp", endpoint_url=url, **CREDS)
        refused = error_of(admin_only.sign_up, ClientId=CLIENT, Username="bob@example.com", Password="Thr0w-away!1")
        check(refused == ("NotAuthorizedException", "SignUp is not permitted for this user pool", 400), f"AllowAdminCreateUserOnly: {refused}")
        unknown = error_of(admin_only.sign_up, ClientId=SIGN_UP_CLIENT, Username="bob@example.com", Password="Thr0w-away!1")
        check(unknown[0] == "ResourceNotFoundException", f"no sign-up client without self sign-up: {unknown}")
    finally:
        closed.terminate()
        closed.wait(10)

    # A parameter outside its bounds, and one the template does not have: refused at start, named, nothing served.
    for bad, named in ((["--parameter", "AuthSessionValidity=16"], "parameter AuthSessionValidity=\"16\": above MaxValue 15"),
                       (["--parameter", "SignInWith=username"], "parameter SignInWith=\"username\": not one of its AllowedValues"),
                       (["--parameter", "OtpLenght=8"], "--parameter OtpLenght: the template has no such parameter"),
                       (["--parameter", "AllowSelfSignUp=true"], "rule SelfSignUpSmsNeedsLimits")):
        run = subprocess.run([args.endpoint_bin, "--port", "0", "--state", os.path.join(WORK, "state"), "--template", EXTRA[1], *bad],
                             env={"PATH": "/usr/bin:/bin", "HOME": WORK}, capture_output=True, text=True, timeout=60)
        check(run.returncode == 1 and named in run.stderr and run.stdout == "", f"{bad}: {run.returncode} {run.stderr!r}")
    print(f"{checks}: the defaults refuse SignUp; bad parameters refused at start")


def answers():
    """Cognito's answers where apps notice, through boto3 and the AWS CLI, each refusal as Cognito words it."""
    # Input checks come before any trigger: pre-sign-up (which sends nothing) never sees a malformed request.
    bad = error_of(idp.sign_up, ClientId=SIGN_UP_CLIENT, Username="not-an-email@", Password="Thr0w-away!1")
    check(bad[:2] == ("InvalidParameterException", "Invalid email address format."), f"a malformed email user name: {bad}")
    spaced = error_of(idp.sign_up, ClientId=SIGN_UP_CLIENT, Username="a b@example.com", Password="Thr0w-away!1")
    check(spaced[0] == "InvalidParameterException" and "regular expression pattern" in spaced[1], f"a space in a user name: {spaced}")
    phone_bad = error_of(idp.sign_up, ClientId=SIGN_UP_CLIENT, Username="+1555abc", Password="Thr0w-away!1")
    check(phone_bad[:2] == ("InvalidParameterException", "Invalid phone number format."), f"a malformed phone user name: {phone_bad}")
    neither = error_of(idp.sign_up, ClientId=SIGN_UP_CLIENT, Username="bob", Password="Thr0w-away!1")
    check(neither[:2] == ("InvalidParameterException", "Username should be either an email or a phone number."), f"{neither}")
    weak = error_of(idp.sign_up, ClientId=SIGN_UP_CLIENT, Username="weak@example.com", Password="short")
    check(weak[:2] == ("InvalidPasswordException", "Password did not conform with policy: Password not long enough"), f"{weak}")
    verified = error_of(sign_up, username="v@example.com", UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    check(verified[:2] == ("NotAuthorizedException", "A client attempted to write unauthorized attribute"), f"email_verified: {verified}")
    mistyped = error_of(sign_up, username="+15555550150", UserAttributes=[{"Name": "email", "Value": "nope"}])
    check(mistyped[:2] == ("InvalidParameterException", "Invalid email address format."), f"a malformed email attribute: {mistyped}")
    check(not os.path.exists(args.outbox) or os.path.getsize(args.outbox) == 0, "nothing sent for a refused request")
    if args.sign_up:
        sign_up("taken@example.com")
        taken = error_of(sign_up, username="TAKEN@example.com")
        check(taken[:2] == ("UsernameExistsException", "An account with the given email already exists."), f"a taken email: {taken}")
        attributes = {a["Name"]: a["Value"] for a in idp.admin_get_user(UserPoolId=POOL, Username="taken@example.com")["UserAttributes"]}
        check("email_verified" not in attributes or attributes["email_verified"] == "false", f"not verified by signing up: {attributes}")
    print(f"{checks}: input checks before any trigger, SignUp's refusals")

    # AdminCreateUser: FORCE_CHANGE_PASSWORD, its password policy and MessageAction.
    phone = "+15555550160"
    made = idp.admin_create_user(UserPoolId=POOL, Username=phone, MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
    check(made["User"]["UserStatus"] == "FORCE_CHANGE_PASSWORD" and made["User"]["Enabled"] is True, f"{made['User']}")
    weak_temporary = error_of(idp.admin_create_user, UserPoolId=POOL, Username="+15555550161", TemporaryPassword="password")
    check(weak_temporary[0] == "InvalidPasswordException", f"a weak temporary password: {weak_temporary}")
    resent = idp.admin_create_user(UserPoolId=POOL, Username=phone, MessageAction="RESEND")
    check(resent["User"]["Username"] == made["User"]["Username"], "RESEND answers the account")
    nobody = error_of(idp.admin_create_user, UserPoolId=POOL, Username="+15555550162", MessageAction="RESEND")
    check(nobody[:2] == ("UserNotFoundException", "User does not exist."), f"RESEND to nobody: {nobody}")
    bad_phone = error_of(idp.admin_create_user, UserPoolId=POOL, Username="+1 555", MessageAction="SUPPRESS")
    check(bad_phone[0] == "InvalidParameterException", f"a malformed phone at AdminCreateUser: {bad_phone}")

    # FORCE_CHANGE_PASSWORD signs in with its code, then NEW_PASSWORD_REQUIRED; the new password confirms it.
    sent = messages_to(phone)
    first = start(phone)
    asked = answer(first, new_code(phone, sent))
    check(asked["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and "AuthenticationResult" not in asked, f"after the code: {asked}")
    check(json.loads(asked["ChallengeParameters"]["userAttributes"])["phone_number"] == phone, "the account's attributes")
    respond = lambda password, name=made["User"]["Username"], session=asked["Session"]: idp.respond_to_auth_challenge(
        ClientId=CLIENT, ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
        ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": password})
    weak_new = error_of(respond, password="nodigits!A")
    check(weak_new[:2] == ("InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters"),
          f"{weak_new}")
    sent = messages_to(phone)
    asked = answer(start(phone), new_code(phone, sent))
    done = respond("N3w-passw0rd!", session=asked["Session"])
    verified_claims(done)
    check(idp.admin_get_user(UserPoolId=POOL, Username=phone)["UserStatus"] == "CONFIRMED", "CONFIRMED after the new password")
    refused = error_of(idp.admin_create_user, UserPoolId=POOL, Username=phone, MessageAction="RESEND")
    check(refused[0] == "UnsupportedUserStateException", f"RESEND to a CONFIRMED account: {refused}")
    print(f"{checks}: AdminCreateUser, NEW_PASSWORD_REQUIRED after the custom challenge")

    # AdminSetUserPassword: temporary, then permanent (AWS CLI).
    idp.admin_set_user_password(UserPoolId=POOL, Username=phone, Password="T3mporary!", Permanent=False)
    check(idp.admin_get_user(UserPoolId=POOL, Username=phone)["UserStatus"] == "FORCE_CHANGE_PASSWORD", "a temporary password")
    status, _, err = cli("admin-set-user-password", "--user-pool-id", POOL, "--username", phone, "--password", "P3rmanent!", "--permanent")
    check(status == 0, f"aws cli admin-set-user-password: {err}")
    user = idp.admin_get_user(UserPoolId=POOL, Username=phone)
    check(user["UserStatus"] == "CONFIRMED", "a permanent password")
    check(set(user) == {"Username", "UserAttributes", "UserStatus", "Enabled", "UserCreateDate", "UserLastModifiedDate",
                        "ResponseMetadata"}, f"AdminGetUser's members: {sorted(user)}")
    short = error_of(idp.admin_set_user_password, UserPoolId=POOL, Username=phone, Password="Sh0rt!")
    check(short[0] == "InvalidPasswordException", f"{short}")

    # GetUser answers exactly its response syntax's members; UpdateUserAttributes within WriteAttributes.
    signed = sign_in(phone, phone)["AuthenticationResult"]
    access = signed["AccessToken"]
    me = idp.get_user(AccessToken=access)
    check(set(me) == {"Username", "UserAttributes", "ResponseMetadata"}, f"GetUser's members: {sorted(me)}")
    updated = idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "name", "Value": "Pat"}])
    check(updated["CodeDeliveryDetailsList"] == [], f"{updated}")
    status, out, err = cli("update-user-attributes", "--access-token", access, "--user-attributes", "Name=given_name,Value=Pat")
    check(status == 0, f"aws cli update-user-attributes: {err}")
    names = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}
    check(names.get("name") == "Pat" and names.get("given_name") == "Pat", f"{names}")
    for attribute in ("email", "phone_number", "email_verified", "phone_number_verified"):
        refused = error_of(idp.update_user_attributes, AccessToken=access, UserAttributes=[{"Name": attribute, "Value": "x@example.com"}])
        check(refused[:2] == ("NotAuthorizedException", "A client attempted to write unauthorized attribute"), f"{attribute}: {refused}")
    idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "name", "Value": ""}])
    check("name" not in {a["Name"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}, "a blank value deletes")
    print(f"{checks}: AdminSetUserPassword, GetUser's members, UpdateUserAttributes")

    # AdminDisableUser: no sign-in, no refresh, its tokens revoked; AdminEnableUser: signs in again (AWS CLI).
    status, _, err = cli("admin-disable-user", "--user-pool-id", POOL, "--username", phone)
    check(status == 0, f"aws cli admin-disable-user: {err}")
    check(idp.admin_get_user(UserPoolId=POOL, Username=phone)["Enabled"] is False, "Enabled false")
    disabled = ("NotAuthorizedException", "User is disabled.", 400)
    check(error_of(start, username=phone) == disabled, "a disabled account cannot sign in")
    check(error_of(refresh, token=signed["RefreshToken"]) == disabled, "nor refresh")
    check(error_of(idp.get_user, AccessToken=access)[:2] == ("NotAuthorizedException", "Access Token has been revoked"), "tokens revoked")
    idp.admin_enable_user(UserPoolId=POOL, Username=phone)
    access = sign_in(phone, phone)["AuthenticationResult"]["AccessToken"]
    check(idp.get_user(AccessToken=access)["Username"] == made["User"]["Username"], "enabled: signs in again")
    print(f"{checks}: AdminDisableUser, AdminEnableUser")

    # The server-side flow: AdminInitiateAuth and AdminRespondToAuthChallenge with CUSTOM_AUTH (boto3, then the CLI).
    sent = messages_to(phone)
    first = idp.admin_initiate_auth(UserPoolId=POOL, ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
    check(first["ChallengeName"] == "CUSTOM_CHALLENGE", f"{first}")
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=POOL, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=first["Session"],
        ChallengeResponses={"USERNAME": first["ChallengeParameters"]["USERNAME"], "ANSWER": new_code(phone, sent)})
    verified_claims(done)
    password_flow = error_of(idp.admin_initiate_auth, UserPoolId=POOL, ClientId=CLIENT, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": phone, "PASSWORD": "P3rmanent!"})
    check(password_flow[:2] == ("InvalidParameterException", "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client"), f"{password_flow}")
    unsigned = boto3.client("cognito-idp", endpoint_url=args.endpoint, region_name="us-east-1",
                            config=botocore.config.Config(signature_version=botocore.UNSIGNED))
    check(error_of(unsigned.admin_initiate_auth, UserPoolId=POOL, ClientId=CLIENT, AuthFlow="CUSTOM_AUTH",
                   AuthParameters={"USERNAME": phone})[0] == "MissingAuthenticationTokenException", "AdminInitiateAuth needs a signature")
    sent = messages_to(phone)
    status, out, err = cli("admin-initiate-auth", "--user-pool-id", POOL, "--client-id", CLIENT, "--auth-flow", "CUSTOM_AUTH",
                           "--auth-parameters", f"USERNAME={phone}")
    check(status == 0 and out["ChallengeName"] == "CUSTOM_CHALLENGE", f"aws cli admin-initiate-auth: {err}")
    status, out, err = cli("admin-respond-to-auth-challenge", "--user-pool-id", POOL, "--client-id", CLIENT, "--challenge-name",
                           "CUSTOM_CHALLENGE", "--session", out["Session"], "--challenge-responses",
                           f"USERNAME={out['ChallengeParameters']['USERNAME']},ANSWER={new_code(phone, sent)}")
    check(status == 0 and "AccessToken" in out["AuthenticationResult"], f"aws cli admin-respond-to-auth-challenge: {err}")
    print(f"{checks}: AdminInitiateAuth, AdminRespondToAuthChallenge")

    # DeleteUser: the account is gone, and its token with it (AWS CLI).
    status, _, err = cli("delete-user", "--access-token", out["AuthenticationResult"]["AccessToken"])
    check(status == 0, f"aws cli delete-user: {err}")
    check(error_of(idp.admin_get_user, UserPoolId=POOL, Username=phone)[:2] == ("UserNotFoundException", "User does not exist."), "gone")
    check(error_of(idp.get_user, AccessToken=access)[:2] == ("UserNotFoundException", "User does not exist."), "its token with it")
    # Wrong types and sizes are the protocol's and Cognito's refusals, and the endpoint keeps serving.
    check(raw(b'{"ClientId": 7, "AuthFlow": "CUSTOM_AUTH"}')[1].get("__type") == "SerializationException", "a number for a string")
    check(raw(json.dumps({"ClientId": CLIENT, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "x"},
                          "Session": "short"}).encode())[1].get("__type") == "InvalidParameterException", "a session under 20")
    long_name = error_of(idp.admin_get_user, UserPoolId=POOL, Username="x" * 129)
    check(long_name[0] == "InvalidParameterException" and "128" in long_name[1], f"{long_name}")
    print(f"{checks}: DeleteUser, wrong types and sizes")


def otp_code(destination):
    """The 8-digit code of the last message to destination, as Essentials sends it ("... is 12345678")."""
    for line in reversed(open(args.outbox).read().splitlines() if os.path.exists(args.outbox) else []):
        sent = json.loads(line)
        if sent["destination"] == destination:
            return re.search(r" is (\d{8})", sent["message"]).group(1)
    raise AssertionError(f"no message to {destination}")


def seed_article_sign_in(client, user_pool_id, client_id, email, read_code):
    """The client calls of the seed article, "Implementing passwordless login with Amazon Cognito" by Maciej Kucharski
    (dev.to, January 2025), as stored at https://todo.poliweb.su/maczaj/2197482 and
    https://botdialogue.com/implementing-passwordless-login-with-amazon-cognito. The article writes them with the
    JavaScript SDK v3 (AdminGetUserCommand, AdminCreateUserCommand, InitiateAuthCommand, RespondToAuthChallengeCommand);
    these are the same API calls, member for member, through boto3. Its steps: "Cognito sends emails only to users that
    exist in the pool", so check with AdminGetUser (it throws UserNotFoundException, so the answer's contents need no
    check) and create the user with MessageAction SUPPRESS; then InitiateAuth with AuthFlow USER_AUTH and
    PREFERRED_CHALLENGE EMAIL_OTP, keep the Session, and answer RespondToAuthChallenge with ChallengeName EMAIL_OTP and
    the code as EMAIL_OTP_CODE. read_code stands for the person reading the email."""
    try:
        client.admin_get_user(UserPoolId=user_pool_id, Username=email)
    except client.exceptions.UserNotFoundException:
        client.admin_create_user(UserPoolId=user_pool_id, Username=email, MessageAction="SUPPRESS")
    response = client.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH",
                                    AuthParameters={"USERNAME": email, "PREFERRED_CHALLENGE": "EMAIL_OTP"})
    session = response["Session"]
    return response, client.respond_to_auth_challenge(ClientId=client_id, ChallengeName="EMAIL_OTP", Session=session,
                                                      ChallengeResponses={"USERNAME": email, "EMAIL_OTP_CODE": read_code(email)})


def essentials():
    """Cognito Essentials' own passwordless sign-in, through unmodified boto3 and the AWS CLI."""
    email, phone = "reader@example.com", "+15555550170"
    check(error_of(idp.admin_get_user, UserPoolId=POOL, Username=email)[0] == "UserNotFoundException", "no account yet")
    challenge, result = seed_article_sign_in(idp, POOL, CLIENT, email, otp_code)
    check(challenge["ChallengeName"] == "EMAIL_OTP" and challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
          and challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "r***@e***", f"the EMAIL_OTP challenge: {challenge}")
    check("AvailableChallenges" not in challenge, "the preferred challenge, not the choice")
    claims = verified_claims(result)
    check(claims["email"] == email and "RefreshToken" in result["AuthenticationResult"], f"the seed article signs in: {claims}")
    user = idp.admin_get_user(UserPoolId=POOL, Username=email)
    check(user["UserStatus"] == "CONFIRMED", f"no password, nothing to change: {user['UserStatus']}")
    check(idp.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])["Username"] == claims["cognito:username"], "GetUser")
    again = seed_article_sign_in(idp, POOL, CLIENT, email, otp_code)[1]
    check(verified_claims(again)["cognito:username"] == claims["cognito:username"], "the same code path a second time: AdminGetUser finds them")
    sent = [json.loads(line) for line in open(args.outbox).read().splitlines()]
    check(len(sent) == 2 and all(m["channel"] == "email" and m["destination"] == email for m in sent), f"two emails: {sent}")
    check(sent[0]["message"].startswith("Subject: Your authentication code\n\nYour authentication code is "), f"{sent[0]['message']!r}")
    print(f"{checks}: the seed article's AdminGetUser, AdminCreateUser SUPPRESS, USER_AUTH EMAIL_OTP and EMAIL_OTP_CODE")

    # A wrong code: CodeMismatchException, and the same session takes the right one.
    first = idp.initiate_auth(ClientId=CLIENT, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": email, "PREFERRED_CHALLENGE": "EMAIL_OTP"})
    code = otp_code(email)
    wrong = "00000000" if code != "00000000" else "11111111"
    respond = lambda text, session=first["Session"]: idp.respond_to_auth_challenge(
        ClientId=CLIENT, ChallengeName="EMAIL_OTP", Session=session, ChallengeResponses={"USERNAME": email, "EMAIL_OTP_CODE": text})
    mismatch = error_of(respond, text=wrong)
    check(mismatch == ("CodeMismatchException", "Invalid code or auth state for the user.", 400), f"a wrong code: {mismatch}")
    check(verified_claims(respond(code))["email"] == email, "the right code on the same session")
    check(error_of(respond, text=code)[:2] == ("NotAuthorizedException", "Incorrect username or password."), "a session works once")
    print(f"{checks}: a wrong code")

    # No preference (AWS CLI): SELECT_CHALLENGE with the factors the account has; SMS_OTP chosen, then its code.
    idp.admin_create_user(UserPoolId=POOL, Username=phone, MessageAction="SUPPRESS", UserAttributes=[{"Name": "email", "Value": "both@example.com"}])
    status, choice, err = cli("initiate-auth", "--client-id", CLIENT, "--auth-flow", "USER_AUTH", "--auth-parameters", f"USERNAME={phone}")
    check(status == 0 and choice["ChallengeName"] == "SELECT_CHALLENGE" and choice["AvailableChallenges"] == ["EMAIL_OTP", "SMS_OTP"],
          f"aws cli USER_AUTH: {choice} {err}")
    check(messages_to(phone) == 0 and messages_to("both@example.com") == 0, "a choice sends nothing")
    name = choice["ChallengeParameters"]["USERNAME"]
    status, chosen, err = cli("respond-to-auth-challenge", "--client-id", CLIENT, "--challenge-name", "SELECT_CHALLENGE", "--session",
                              choice["Session"], "--challenge-responses", f"USERNAME={name},ANSWER=SMS_OTP")
    check(status == 0 and chosen["ChallengeName"] == "SMS_OTP" and chosen["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0170",
          f"aws cli SELECT_CHALLENGE: {chosen} {err}")
    status, done, err = cli("respond-to-auth-challenge", "--client-id", CLIENT, "--challenge-name", "SMS_OTP", "--session",
                            chosen["Session"], "--challenge-responses", f"USERNAME={name},SMS_OTP_CODE={otp_code(phone)}")
    check(status == 0 and "IdToken" in done["AuthenticationResult"], f"aws cli SMS_OTP_CODE: {err}")
    check(messages_to(phone) == 1 and messages_to("both@example.com") == 0, "one SMS, no email")
    print(f"{checks}: SELECT_CHALLENGE and SMS_OTP through the AWS CLI")

    # The server-side form, and the refusals.
    started = idp.admin_initiate_auth(UserPoolId=POOL, ClientId=CLIENT, AuthFlow="USER_AUTH",
                                      AuthParameters={"USERNAME": phone, "PREFERRED_CHALLENGE": "SMS_OTP"})
    finished = idp.admin_respond_to_auth_challenge(UserPoolId=POOL, ClientId=CLIENT, ChallengeName="SMS_OTP", Session=started["Session"],
                                                   ChallengeResponses={"USERNAME": phone, "SMS_OTP_CODE": otp_code(phone)})
    check(verified_claims(finished)["phone_number"] == phone, "AdminInitiateAuth/AdminRespondToAuthChallenge with USER_AUTH")
    not_enabled = error_of(idp.initiate_auth, ClientId=SIGN_UP_CLIENT, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": email})
    check(not_enabled[:2] == ("InvalidParameterException", "USER_AUTH flow not enabled for this client"), f"{not_enabled}")
    missing = error_of(idp.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="EMAIL_OTP", Session=first["Session"],
                       ChallengeResponses={"USERNAME": email})
    check(missing[:2] == ("InvalidParameterException", "Missing required parameter EMAIL_OTP_CODE"), f"{missing}")
    nobody = idp.initiate_auth(ClientId=CLIENT, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "nobody@example.com", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
    check(nobody["ChallengeName"] == "EMAIL_OTP" and messages_to("nobody@example.com") == 0, "an unknown user: the same shape, nothing sent")
    # The custom-auth path beside it is unchanged.
    admin_create(UserPoolId=POOL, Username="+15555550171", UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
    check(verified_claims(sign_in("+15555550171", "+15555550171"))["phone_number"] == "+15555550171", "CUSTOM_AUTH beside USER_AUTH")
    # The codes are secrets: the outbox has them, the endpoint's log never.
    codes = [re.search(r" is (\d{8})", json.loads(line)["message"]).group(1)
             for line in open(args.outbox).read().splitlines() if re.search(r" is (\d{8})", json.loads(line)["message"])]
    log = open(os.path.join(WORK, "endpoint.log"), errors="replace").read()
    check(len(codes) == 5 and not any(code in log for code in codes), f"{len(codes)} codes of 8 digits, none in the log")
    print(f"{checks}: the admin form, the refusals, CUSTOM_AUTH beside, no code in the log")

    # Cognito's sign-in policy needs the Essentials tier: refused at start, named.
    run = subprocess.run([args.endpoint_bin, "--port", "0", "--state", os.path.join(WORK, "state"), "--no-template", "--user-pool-tier",
                          "LITE", "--first-factors", "EMAIL_OTP"], env={"PATH": "/usr/bin:/bin", "HOME": WORK},
                         capture_output=True, text=True, timeout=60)
    check(run.returncode == 1 and "needs --user-pool-tier ESSENTIALS or PLUS" in run.stderr, f"LITE: {run.stderr!r}")

    # The template form: UserPoolTier, SignInPolicy, an ALLOW_USER_AUTH client and no trigger; the seed article again.
    global endpoint
    endpoint.terminate()
    endpoint.wait(10)
    endpoint, url = start_endpoint("--template", ESSENTIALS_TEMPLATE)
    pooled = boto3.client("cognito-idp", endpoint_url=url, **CREDS)
    _, result = seed_article_sign_in(pooled, POOL, CLIENT, "templated@example.com", otp_code)
    check(result["AuthenticationResult"]["TokenType"] == "Bearer", f"the template's pool signs the article in: {result}")
    message = [json.loads(line) for line in open(args.outbox).read().splitlines()][-1]["message"]
    check(message.startswith("Subject: Your Demo code\n\nYour Demo code is "), f"the template's message: {message!r}")
    refused = error_of(pooled.initiate_auth, ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "templated@example.com"})
    check(refused[:2] == ("InvalidParameterException", "CUSTOM_AUTH flow not enabled for this client"), f"{refused}")
    print(f"{checks}: the same sign-in in a pool from a template")


# The pool EssentialsTests.swift reads too.
ESSENTIALS_TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "essentials-pool.yaml")


if args.scenario != "main":
    {"expiry": expiry, "functions": functions, "usernames": usernames, "pumping": pumping, "descriptors": descriptors,
     "after-sign-in": after_sign_in, "template": template, "answers": answers, "timeouts": timeouts,
     "essentials": essentials}[args.scenario]()
    finish()

# An account made by an administrator signs in with the code from the outbox; tokens verify against the JWKS.
phone = "+15555550100"
made = admin_create(UserPoolId=POOL, Username=phone, UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
generated = made["User"]["Username"]
check(generated != phone and len(generated) == 36, "a generated user name")
first = start(phone)
params = first["ChallengeParameters"]
# Nothing of the number: a mask would confirm a leaked (email, phone) pair to whoever typed the email.
check(params["USERNAME"] == generated and params["channel"] == "sms" and params["destination"] == "+**********", f"challenge {params}")
check(last_code(phone) not in json.dumps(params), "the code is not in the public parameters")
wrong = answer(first, "000000")
check(wrong["ChallengeName"] == "CUSTOM_CHALLENGE" and messages_to(phone) == 1, "a wrong code asks again and sends nothing")
result = answer(wrong, last_code(phone))
claims = verified_claims(result)
check(claims["sub"] and claims["phone_number"] == phone and claims["phone_number_verified"] is True, f"id claims {claims}")
me = idp.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])
check(me["Username"] == generated, "GetUser with the access token")
print(f"{checks}: sign-in, wrong code, tokens")

# Lockout after MAX_ATTEMPTS (3) wrong answers.
challenge = start(phone)
for _ in range(2):
    challenge = answer(challenge, "111111")
code, message, status = error_of(answer, challenge=challenge, text="111111")
check((code, message, status) == ("NotAuthorizedException", "Incorrect username or password.", 400), f"lockout {code} {message}")

# Resend: a new code in the same sign-in; the old one stops working.
sent = messages_to(phone)
challenge = start(phone)
old = new_code(phone, sent)
resent = answer(challenge, "resend", {"action": "resend"})
new = new_code(phone, sent + 1)
check(messages_to(phone) == sent + 2, "a second code was sent")
# The old code no longer works; MAX_RESENDS (2) resends in a sign-in, and one more is refused.
retry = answer(resent, old)
check(retry["ChallengeName"] == "CUSTOM_CHALLENGE", "the old code stopped working")
again = answer(retry, "resend", {"action": "resend"})
check(messages_to(phone) == sent + 3, "a second resend sends a third code")
refused = error_of(answer, challenge=again, text="resend", metadata={"action": "resend"})
check(refused[0] == "UserLambdaValidationException" and refused[1].startswith("CreateAuthChallenge failed with error ")
      and refused[1].endswith("new code.") and not refused[1].endswith("..")
      and messages_to(phone) == sent + 3, f"a third resend: {refused}")
fresh = start(phone)
check("AuthenticationResult" in answer(fresh, new_code(phone, sent + 3)), "a new sign-in gets a new code")

# An unknown user is answered like an account (channel choice: the usernames scenario).
unknown = start("+15555550199")["ChallengeParameters"]
check(set(unknown) == set(params) and unknown["destination"] == params["destination"], f"unknown user {unknown}")
check(messages_to("+15555550199") == 0, "nothing sent to an unknown user")

# Errors as Cognito answers them.
code, _, _ = error_of(idp.initiate_auth, ClientId="notaclient", AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
check(code == "ResourceNotFoundException", "unknown client")
# A client id outside ClientIdType's pattern ([\w+]+) is refused by Cognito's input check, before any lookup.
code, _, _ = error_of(idp.initiate_auth, ClientId="not-a-client", AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
check(code == "InvalidParameterException", "a malformed client id")
code, message, _ = error_of(idp.initiate_auth, ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": phone, "PASSWORD": "x"})
check(code == "InvalidParameterException" and "USER_PASSWORD_AUTH" in message, "other flows are not enabled")
code, _, _ = error_of(idp.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session="no-such-session-" + "0" * 24,
                      ChallengeResponses={"USERNAME": phone, "ANSWER": "1"})
check(code == "NotAuthorizedException", "unknown session")


check(raw(b"{not json")[1].get("__type") == "SerializationException", "malformed JSON")
check(raw(b"{}", "AWSCognitoIdentityProviderService.NoSuchThing")[1].get("__type") == "UnknownOperationException", "unknown op")
check(raw(json.dumps({"ClientId": CLIENT, "AuthFlow": "CUSTOM_AUTH"}).encode())[1].get("__type") == "InvalidParameterException", "missing member")
def oversized():
    # The head alone announces the body: the endpoint answers before reading any of it.
    import socket
    host, port = args.endpoint.split("//")[1].split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\n"
                  b"Content-Length: 1048577\r\n\r\n")
        return s.recv(200).split(b" ")[1]


check(oversized() == b"413", "a body over 1 MB")
# A client that sends the whole body before it reads the answer gets the 413, not a reset connection.
too_large = raw(b'{"x": "' + b"a" * (4 << 20) + b'"}')
check(too_large[0] == 413 and too_large[1].get("__type") == "RequestEntityTooLargeException", f"a whole body over 1 MB: {too_large}")


def preflight():
    # What a browser asks before a web app's SDK may POST: the public calls' headers, never Authorization.
    request = urllib.request.Request(args.endpoint + "/", method="OPTIONS", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent"})
    with urllib.request.urlopen(request) as reply:
        return reply.status, {k.lower(): v for k, v in reply.headers.items()}


status, headers = preflight()
allowed = {h.strip() for h in headers.get("access-control-allow-headers", "").split(",")}
check(status == 200 and headers.get("access-control-allow-origin") == "*" and "POST" in headers.get("access-control-allow-methods", ""),
      f"a browser's preflight: {status} {headers}")
check({"content-type", "x-amz-target", "x-amz-user-agent"} <= allowed and "authorization" not in allowed, f"allowed headers {allowed}")
reply = urllib.request.urlopen(urllib.request.Request(args.endpoint + "/", method="POST", data=json.dumps(
    {"ClientId": CLIENT, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "+15555550188"}}).encode(), headers={
    "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth", "Content-Type": "application/x-amz-json-1.1",
    "Origin": "http://localhost:3000"}))
check(reply.headers.get("Access-Control-Allow-Origin") == "*", "a web page may read the answer")
check(raw(b"{}", "AWSCognitoIdentityProviderService.AdminGetUser")[1].get("__type") == "MissingAuthenticationTokenException", "admin calls are signed")


def under_host(host):
    # A web page whose name was rebound to 127.0.0.1 reaches the endpoint under that name, signed admin calls too.
    return raw(json.dumps({"UserPoolId": POOL, "Limit": 1}).encode(), "AWSCognitoIdentityProviderService.ListUsers",
               {"Host": host, "Authorization": "AWS4-HMAC-SHA256 Credential=x/y/z"})


port = args.endpoint.rsplit(":", 1)[1]
check(under_host(f"evil.example:{port}")[0] == 403, "a rebound name is refused")
check(under_host(f"localhost:{port}")[0] == 200 and under_host(f"127.0.0.1:{port}")[0] == 200, "the loopback names are answered")
print(f"{checks}: lockout, resend, unknown user, errors")

# The AWS CLI, unmodified.
env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "us-east-1"}
cli = os.path.join(os.path.dirname(sys.executable), "aws")
out = subprocess.run([cli, "cognito-idp", "initiate-auth", "--endpoint-url", args.endpoint, "--client-id", CLIENT,
                      "--auth-flow", "CUSTOM_AUTH", "--auth-parameters", f"USERNAME={phone}"], env=env, capture_output=True, text=True)
check(out.returncode == 0 and json.loads(out.stdout)["ChallengeName"] == "CUSTOM_CHALLENGE", f"aws cli: {out.stderr}")
out = subprocess.run([cli, "cognito-idp", "admin-get-user", "--endpoint-url", args.endpoint, "--user-pool-id", POOL, "--username", phone],
                     env=env, capture_output=True, text=True)
check(out.returncode == 0 and json.loads(out.stdout)["Username"] == generated, f"aws cli admin-get-user: {out.stderr}")

# 50 sign-ins at once from 50 clients.
numbers = [f"+1555555{1000 + i}" for i in range(50)]
for number in numbers:
    admin_create(UserPoolId=POOL, Username=number, UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
done, failures = [], []


def one(number):
    try:
        client = boto3.client("cognito-idp", endpoint_url=args.endpoint, **CREDS)
        first = client.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": number})
        result = client.respond_to_auth_challenge(
            ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=first["Session"],
            ChallengeResponses={"USERNAME": first["ChallengeParameters"]["USERNAME"], "ANSWER": last_code(number)})
        done.append("AuthenticationResult" in result)
    except Exception as e:  # noqa: BLE001  (reported below)
        failures.append(repr(e))


threads = [threading.Thread(target=one, args=(n,)) for n in numbers]
for t in threads: t.start()
for t in threads: t.join()
check(failures == [] and done.count(True) == 50, f"50 at once: {failures[:3]}")


def instances(function):
    """The processes the endpoint started for one function, from its log ("<function> instance started (process N)");
    the line is written before the instance serves, so every instance that answered is there."""
    log = open(os.path.join(WORK, "endpoint.log")).read()
    return [int(pid) for pid in re.findall(rf"passwordless-endpoint: {function} instance started \(process (\d+)\)", log)]


# As Lambda scales out: overlapping invocations ran on more instances, at most 4 per function.
started = instances("create-auth-challenge")
check(1 < len(started) <= 4, f"create ran on {len(started)} instances")
# Instances started on several threads at once hold none of the endpoint's descriptors: each has its standard streams
# (/dev/null, /dev/null, the pipe the endpoint reads) and its own connection to its Runtime API, nothing more. They
# are idle and alive (each waits for its next event), so their descriptor tables are still.
for pid in started + instances("define-auth-challenge") + instances("verify-auth-challenge"):
    held = sorted(int(fd) for fd in os.listdir(f"/proc/{pid}/fd"))
    kinds = [os.readlink(f"/proc/{pid}/fd/{fd}").split(":")[0] for fd in held]
    check(held == [0, 1, 2, 3] and kinds == ["/dev/null", "/dev/null", "pipe", "socket"], f"process {pid} holds {held} {kinds}")

# ListUsers: a filter, pages, and only the attributes asked for.
listed = idp.list_users(UserPoolId=POOL, Filter=f'phone_number = "{phone}"')["Users"]
check([u["Username"] for u in listed] == [generated], f"filter by phone: {listed}")
pages = list(idp.get_paginator("list_users").paginate(UserPoolId=POOL, Filter='phone_number ^= "+15555551"',
                                                         AttributesToGet=["phone_number"], PaginationConfig={"PageSize": 7}))
found = [u for page in pages for u in page["Users"]]
check([len(p["Users"]) for p in pages] == [7] * 7 + [1], "pages of 7")
check(sorted(a["Value"] for u in found for a in u["Attributes"]) == numbers, "each account once, in pages")
check(all([a["Name"] for a in u["Attributes"]] == ["phone_number"] for u in found), "only the attributes asked for")
check(error_of(idp.list_users, UserPoolId=POOL, Filter="nickname = \"x\"")[0] == "InvalidParameterException", "a filter on another attribute")
check(error_of(idp.list_users, UserPoolId=POOL, Limit=61)[0] == "InvalidParameterException", "a page over 60")

# AdminUpdateUserAttributes: a new address is unverified; another account's number is refused; sub is fixed.
idp.admin_update_user_attributes(UserPoolId=POOL, Username=phone, UserAttributes=[{"Name": "email", "Value": "first@example.com"},
                                                                               {"Name": "email_verified", "Value": "true"}])
idp.admin_update_user_attributes(UserPoolId=POOL, Username=phone, UserAttributes=[{"Name": "email", "Value": "second@example.com"}])
attributes = {a["Name"]: a["Value"] for a in idp.admin_get_user(UserPoolId=POOL, Username=phone)["UserAttributes"]}
check(attributes["email"] == "second@example.com" and attributes["email_verified"] == "false", f"a changed email: {attributes}")
check(attributes["phone_number_verified"] == "true", "the unchanged phone stays verified")
taken = error_of(idp.admin_update_user_attributes, UserPoolId=POOL, Username=phone,
                 UserAttributes=[{"Name": "phone_number", "Value": numbers[0]}])
check(taken[0] == "AliasExistsException", f"another account's number: {taken}")
check(error_of(idp.admin_update_user_attributes, UserPoolId=POOL, Username=phone,
               UserAttributes=[{"Name": "sub", "Value": "x"}])[0] == "InvalidParameterException", "sub cannot change")
idp.admin_delete_user(UserPoolId=POOL, Username=numbers[-1])
check(error_of(idp.admin_get_user, UserPoolId=POOL, Username=numbers[-1])[0] == "UserNotFoundException", "a deleted account")
print(f"{checks}: 50 at once, ListUsers, attribute updates")

if args.sign_up:
    email = "new.user@example.com"
    # As on a pool the template deploys: the sign-in client may not write the email, the sign-up client may.
    refused = error_of(sign_up, username=email, client=CLIENT, UserAttributes=[{"Name": "email", "Value": email}])
    check(refused[:2] == ("NotAuthorizedException", "A client attempted to write unauthorized attribute"), f"{refused}")
    signed = sign_up(email, UserAttributes=[{"Name": "email", "Value": email}])
    check(signed["UserConfirmed"] is True, "pre-sign-up confirms a self sign-up")
    code, _, _ = error_of(idp.sign_up, ClientId=SIGN_UP_CLIENT, Username=email, Password="Another-0ne!")
    check(code == "UsernameExistsException", "a second sign-up with the same address")
    claims = verified_claims(sign_in(email, email))
    check(claims["email"] == email, "the new account signs in by email")
    user = idp.admin_get_user(UserPoolId=POOL, Username=email)
    check({a["Name"]: a["Value"] for a in user["UserAttributes"]}.get("email_verified") == "true", "the first right code verified the address")
# A restart keeps the accounts and the signing key.
key_before = urllib.request.urlopen(f"{args.endpoint}/{POOL}/.well-known/jwks.json").read()
endpoint.terminate()
endpoint.wait(10)
endpoint, args.endpoint = start_endpoint()
idp = boto3.client("cognito-idp", endpoint_url=args.endpoint, **CREDS)
check(urllib.request.urlopen(f"{args.endpoint}/{POOL}/.well-known/jwks.json").read() == key_before, "the same key after a restart")
claims = verified_claims(sign_in(phone, phone))
check(claims["cognito:username"] == generated, "the account survived the restart")
endpoint.terminate()
endpoint.wait(10)
shutil.rmtree(WORK, ignore_errors=True)
print(f"{checks} checks passed")
