"""Loopback harness for the AWS client and PasswordlessAWS tests.

Runs moto's server with IAM checks enforced, creates a role the tests sign with, and runs a small
fault-injecting proxy in front of moto, plus an HTTPS front with a self-signed certificate for
127.0.0.1 that relays to moto. Creates two DynamoDB tables: one the role may write counters to, and
one its policy does not cover; and two Cognito user pools: one whose users' attributes the role may
update, and one it may not. Prints one JSON line with ports, the certificate file, the table names,
the pool ids and role credentials, then serves until its stdin closes or its parent exits. The proxy
also creates and reads pool users for the tests (/__cognito_user). Listens on 127.0.0.1 only.
"""
import http.client
import json
import logging
import os
import random
import datetime
import ipaddress
import socket
import ssl
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Each setup call below runs unauthenticated; moto enforces signatures and IAM policies on every
# call after these. Keep the number equal to the calls made in setup().
SETUP_CALLS = 11
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(SETUP_CALLS)
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402  (must follow the environment set-up above)
from moto.cognitoidp.responses import CognitoIdpResponse  # noqa: E402
from moto.dynamodb.responses import DynamoHandler  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402


REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
SENDER = "sender@example.com"
# The counters table the role may write to, and one with the same shape that its policy leaves out.
RATE_LIMIT_TABLE = "rate-limits"
DENIED_TABLE = "rate-limits-not-granted"


def table_arn(name):
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def _dynamo_resource(handler):
    """The table a DynamoDB request acts on, so moto checks a policy's Resource against it.

    moto checks DynamoDB calls against the resource "*", which only a policy with "Resource": "*" allows.
    A transaction names its tables per item; when they are not all one table, "*" stays, and a policy
    scoped to tables denies it.
    """
    body = handler.body if isinstance(handler.body, dict) else {}
    names = {body.get("TableName")} if body.get("TableName") else set()
    for item in body.get("TransactItems") or []:
        for operation in item.values():
            names.add(operation.get("TableName"))
    return table_arn(names.pop()) if len(names) == 1 and None not in names else "*"


# moto's DynamoDB is not thread-safe: a conditional update reads, checks and writes without a lock, and a
# cancelled transaction restores a copy of the whole table, undoing writes that landed in between. Real
# DynamoDB makes each conditional write atomic and transactions serializable, so one request at a time.
_dynamo_lock = threading.Lock()
_dynamo_call_action = DynamoHandler.call_action


def _serialized_call_action(handler):
    with _dynamo_lock:
        return _dynamo_call_action(handler)


DynamoHandler.call_action = _serialized_call_action
DynamoHandler._determine_resource = _dynamo_resource


def pool_arn(pool_id):
    return f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool_id}"


def _cognito_resource(handler):
    """The pool a Cognito admin call acts on, so moto checks a policy's Resource against it (moto checks "*")."""
    try:
        pool_id = json.loads(handler.body or "{}").get("UserPoolId")
    except ValueError:
        pool_id = None
    return pool_arn(pool_id) if pool_id else "*"


CognitoIdpResponse._determine_resource = _cognito_resource


def setup(endpoint):
    setup_keys = dict(aws_access_key_id="AKIASETUPSETUPSETUP0", aws_secret_access_key="setup")
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=REGION, **setup_keys)
    ses = boto3.client("ses", endpoint_url=endpoint, region_name=REGION, **setup_keys)
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, **setup_keys)
    cognito = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION, **setup_keys)
    pools = [cognito.create_user_pool(PoolName=name)["UserPool"]["Id"]  # 1, 2
             for name in ("passwordless", "passwordless-not-granted")]
    user = iam.create_user(UserName="harness-user")["User"]  # 3
    # The harness user assumes the role, reads the tables and makes and reads pool users for the tests' control calls.
    iam.put_user_policy(  # 4
        UserName="harness-user",
        PolicyName="assume",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": "*"},
            {"Effect": "Allow", "Action": ["cognito-idp:AdminCreateUser", "cognito-idp:AdminGetUser"],
             "Resource": "*"}]}),
    )
    user_key = iam.create_access_key(UserName="harness-user")["AccessKey"]  # 5
    role = iam.create_role(  # 6
        RoleName="passwordless-sender",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": user["Arn"]},
             "Action": "sts:AssumeRole"}]}),
    )["Role"]
    iam.put_role_policy(  # 7
        RoleName="passwordless-sender",
        PolicyName="send",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sns:Publish", "ses:SendEmail"], "Resource": "*"},
            # Real DynamoDB authorizes each item of a TransactWriteItems call with that item's own action
            # (dynamodb:UpdateItem here); moto asks for dynamodb:TransactWriteItems instead, so both are
            # granted. DENIED_TABLE is left out on purpose.
            {"Effect": "Allow", "Action": ["dynamodb:UpdateItem", "dynamodb:TransactWriteItems"],
             "Resource": table_arn(RATE_LIMIT_TABLE)},
            # As the template grants verify: this one call, on the first pool only.
            {"Effect": "Allow", "Action": "cognito-idp:AdminUpdateUserAttributes", "Resource": pool_arn(pools[0])}]}),
    )
    ses.verify_email_identity(EmailAddress=SENDER)  # 8
    for name in (RATE_LIMIT_TABLE, DENIED_TABLE):  # 9, 10
        dynamodb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    dynamodb.update_time_to_live(  # 11
        TableName=RATE_LIMIT_TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"})

    # From here on moto checks signatures: AssumeRole is signed with the user's new key.
    sts = boto3.client(
        "sts", endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id=user_key["AccessKeyId"], aws_secret_access_key=user_key["SecretAccessKey"])
    creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="tests")["Credentials"]
    harness_keys = dict(aws_access_key_id=user_key["AccessKeyId"], aws_secret_access_key=user_key["SecretAccessKey"])
    reader = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, **harness_keys)
    users = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION, **harness_keys)
    role_keys = {"accessKeyId": creds["AccessKeyId"], "secretAccessKey": creds["SecretAccessKey"],
                 "sessionToken": creds["SessionToken"]}
    return role_keys, pools, lambda table: scan_items(reader, table), users


def pool_user(users, request):
    """Creates a pool user with the given attributes ({"pool", "username", "attributes"}), or with no
    attributes given, reads one; answers {"username", "attributes"}, the attributes as Cognito holds them."""
    pool, name, attributes = request["pool"], request["username"], request.get("attributes")
    if attributes is not None:
        users.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS",
                                UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    user = users.admin_get_user(UserPoolId=pool, Username=name)
    return {"username": user["Username"], "attributes": {a["Name"]: a["Value"] for a in user["UserAttributes"]}}


def scan_items(client, table):
    """Every item of `table`, each attribute as its plain text (strings and numbers only)."""
    items, start = [], None
    while True:
        page = client.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        for item in page["Items"]:
            items.append({name: next(iter(value.values())) for name, value in item.items()})
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


SNS_ERRORS = {
    "throttle": (400, "Throttling", "Rate exceeded"),
    "fail500": (500, "InternalError", "Internal failure"),
    "denied": (403, "AccessDenied", "User is not authorized to perform: SNS:Publish"),
    "authorization": (403, "AuthorizationError", "User: arn:aws:sts::123456789012:assumed-role/passwordless-sender/tests "
                      "is not authorized to perform: SNS:Publish on resource: +15555550100"),
    "invalid_number": (400, "InvalidParameter", "Invalid parameter: PhoneNumber Reason: +15555550100 is not valid to "
                       "publish to"),
    "opted_out": (400, "OptedOut", "Phone number is opted out"),
    "bad_token": (403, "InvalidClientTokenId", "The security token included in the request is invalid."),
    "expired": (403, "ExpiredToken", "The security token included in the request is expired"),
}
DYNAMODB_ERRORS = {
    "throttle": (400, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput "
                 "for the table was exceeded."),
    "fail500": (500, "InternalServerError", "Internal server error"),
    "denied": (400, "AccessDeniedException", "User is not authorized to perform: dynamodb:UpdateItem"),
    "invalid": (400, "ValidationException", "Invalid UpdateExpression"),
}
SES_ERRORS = {
    "throttle": (429, "TooManyRequestsException", "Too many requests"),
    "fail500": (500, "InternalFailure", "Internal failure"),
    "denied": (403, "AccessDeniedException", "User is not authorized to perform: ses:SendEmail"),
    "rejected": (400, "MessageRejected", "Email address is not verified."),
    "paused": (400, "SendingPausedException", "Email sending is disabled for your entire Amazon SES account."),
    "suspended": (400, "AccountSuspendedException", "Your account has been suspended."),
    "no_configuration_set": (404, "NotFoundException", "Configuration set <sign-in> does not exist."),
    "signature": (403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you "
                  "provided."),
}


class ProxyState:
    def __init__(self, upstream_port, scan=None, users=None):
        self.upstream_port = upstream_port
        self.scan = scan
        self.users = users
        self.lock = threading.Lock()
        self.script = ["forward"]
        self.count = 0
        # DynamoDB writes answered as conflicting, at this rate, from a seeded generator.
        self.conflict_rate = 0.0
        self.conflicts = random.Random(0)
        self.dynamodb_writes = 0
        self.dynamodb_conflicts = 0

    def conflicts_now(self):
        with self.lock:
            self.dynamodb_writes += 1
            hit = self.conflict_rate > 0 and self.conflicts.random() < self.conflict_rate
            self.dynamodb_conflicts += hit
            return hit

    def next_step(self):
        with self.lock:
            step = self.script[min(self.count, len(self.script) - 1)]
            self.count += 1
            return step


def sent_messages():
    """moto's SMS (SNS) and Message (SES) models, each instance's JSON-able public attributes, as data.json has them."""
    from moto.core.model_instances import model_data

    def instances(service, name):
        model = model_data.get(service, {}).get(name)
        found = []
        for instance in list(getattr(model, "instances_tracked", [])):
            fields = {}
            for attr in dir(instance):
                if attr.startswith("_"):
                    continue
                try:
                    value = getattr(instance, attr)
                    json.dumps(value)
                except (TypeError, AttributeError, ValueError):
                    continue
                fields[attr] = value
            found.append(fields)
        return found

    return {"sns": {"SMS": instances("sns", "SMS")}, "ses": {"Message": instances("ses", "Message")}}


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/__script":
                with state.lock:
                    state.script = body.decode().split(",")
                    state.count = 0
                return self.reply(200, b"ok")
            if self.path == "/__dynamodb_conflicts":
                # "<rate>,<seed>": answer that share of DynamoDB writes with a conflict; resets the tallies.
                rate, seed = body.decode().split(",")
                with state.lock:
                    state.conflict_rate = float(rate)
                    state.conflicts = random.Random(int(seed))
                    state.dynamodb_writes = state.dynamodb_conflicts = 0
                return self.reply(200, b"ok")
            if self.path == "/__dynamodb_tally":
                with state.lock:
                    return self.reply(200, f"{state.dynamodb_writes},{state.dynamodb_conflicts}".encode())
            if self.path == "/__count":
                with state.lock:
                    return self.reply(200, str(state.count).encode())
            if self.path.startswith("/__dynamodb_items?table="):
                try:
                    items = state.scan(self.path.split("=", 1)[1])
                except Exception as error:  # noqa: BLE001  (the test reads the reason)
                    return self.reply(500, repr(error).encode())
                return self.reply(200, json.dumps(items).encode(), [("Content-Type", "application/json")])
            if self.path == "/__sent":
                # What moto received for SNS and SES only, read from the two models in this process: moto's
                # /moto-api/data.json walks every object the run has made (each DynamoDB item among them), which
                # under load took longer than a test waits.
                return self.reply(200, json.dumps(sent_messages()).encode(), [("Content-Type", "application/json")])
            if self.path == "/__cognito_user":
                try:
                    answer = pool_user(state.users, json.loads(body))
                except Exception as error:  # noqa: BLE001  (the test reads the reason)
                    return self.reply(500, repr(error).encode())
                return self.reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])
            dynamodb = (self.headers.get("X-Amz-Target") or "").startswith("DynamoDB_")
            if dynamodb and state.conflicts_now():
                return self.dynamodb_error("conflict", body)
            step = state.next_step()
            ses = self.path.startswith("/v2/")
            if step == "forward":
                return self.forward(body)
            if step == "hang":
                time.sleep(30)
                self.close_connection = True
                return
            if (self.headers.get("X-Amz-Target") or "").startswith("DynamoDB_"):
                return self.dynamodb_error(step, body)
            if ses and step == "rejected_recipient":
                # SES's sandbox answer names the recipient it refused: the text must never reach a caller or a log.
                recipients = (json.loads(body or b"{}").get("Destination") or {}).get("ToAddresses") or ["?"]
                message = ("Email address is not verified. The following identities failed the check in region "
                           f"US-EAST-1: {', '.join(recipients)}")
                return self.reply(400, json.dumps({"message": message}).encode(), [
                    ("Content-Type", "application/json"), ("x-amzn-RequestId", "5f0c1d2e-0000-4000-8000-00000000abcd"),
                    ("x-amzn-ErrorType", "MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/")])
            if ses:
                status, code, message = SES_ERRORS[step]
                return self.reply(status, json.dumps({"message": message}).encode(), [
                    ("Content-Type", "application/json"),
                    ("x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazonaws.sesv2/")])
            status, code, message = SNS_ERRORS[step]
            xml = ("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
                   f"<Code>{code}</Code><Message>{message}</Message></Error>"
                   "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>")
            return self.reply(status, xml.encode(), [("Content-Type", "text/xml")])

        def dynamodb_error(self, step, body):
            request = json.loads(body or b"{}")
            if step == "conflict" and "TransactItems" not in request:
                # An UpdateItem that met a transaction in progress on its item.
                answer = {"__type": "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
                          "message": "Transaction is ongoing for the item"}
                status = 400
            elif step == "conflict":
                # A transaction cancelled by concurrent writers: one reason per item, all TransactionConflict.
                items = request.get("TransactItems")
                answer = {"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                          "Message": "Transaction cancelled, please refer cancellation reasons for specific "
                                     "reasons [" + ", ".join(["TransactionConflict"] * len(items)) + "]",
                          "CancellationReasons": [{"Code": "TransactionConflict",
                                                   "Message": "Transaction is ongoing for the item"}] * len(items)}
                status = 400
            else:
                status, code, message = DYNAMODB_ERRORS[step]
                namespace = "com.amazon.coral.service" if code == "AccessDeniedException" else "com.amazonaws.dynamodb.v20120810"
                answer = {"__type": f"{namespace}#{code}", "message": message}
            return self.reply(status, json.dumps(answer).encode(), [("Content-Type", "application/x-amz-json-1.0")])

        def forward(self, body):
            # Headers go upstream unchanged (Host included), so moto checks the signature the client made.
            upstream = http.client.HTTPConnection("127.0.0.1", state.upstream_port, timeout=10)
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                upstream.putheader(name, value)
            upstream.endheaders(body)
            answer = upstream.getresponse()
            data = answer.read()
            upstream.close()
            headers = [(k, v) for k, v in answer.getheaders()
                       if k.lower() not in ("content-length", "connection", "transfer-encoding")]
            self.reply(answer.status, data, headers)

        do_GET = do_POST = do_PUT = handle_any

    return Handler


def make_certificate(directory):
    """A self-signed certificate for IP 127.0.0.1, so a client that trusts it can check the server."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file = os.path.join(directory, "cert.pem")
    key_file = os.path.join(directory, "key.pem")
    with open(cert_file, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_file, key_file


def main():
    logging.disable(logging.CRITICAL)
    moto = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=True)
    threading.Thread(target=moto.serve_forever, daemon=True).start()
    moto_port = moto.server_address[1]
    role, pools, scan, users = setup(f"http://127.0.0.1:{moto_port}")

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(ProxyState(moto_port, scan, users)))
    proxy.daemon_threads = True
    threading.Thread(target=proxy.serve_forever, daemon=True).start()

    # The same relay behind TLS: the functions reach moto over HTTPS and check its certificate.
    directory = tempfile.mkdtemp(prefix="moto-harness-")
    cert_file, key_file = make_certificate(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    tls = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(ProxyState(moto_port)))
    tls.daemon_threads = True
    tls.socket = context.wrap_socket(tls.socket, server_side=True)
    threading.Thread(target=tls.serve_forever, daemon=True).start()

    # Bound but never listening: connecting to it is refused, and no other process can take the port.
    refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refused.bind(("127.0.0.1", 0))

    print(json.dumps({"motoPort": moto_port, "proxyPort": proxy.server_address[1],
                      "tlsPort": tls.server_address[1], "certificateFile": cert_file,
                      "refusedPort": refused.getsockname()[1], "sender": SENDER, "role": role,
                      "rateLimitTable": RATE_LIMIT_TABLE, "deniedTable": DENIED_TABLE,
                      "userPool": pools[0], "deniedUserPool": pools[1]}), flush=True)

    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
