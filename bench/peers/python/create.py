"""CreateAuthChallenge for Python with boto3, run by awslambdaric: python3 -m awslambdaric create.handler

The same rules as the Swift create for the events the benchmark sends (a first round that sends the code by
SMS, or by email to a user without a phone; a retry after a wrong code, which reuses the code and expiry from
the session and sends nothing). The SNS and SES clients are made once at init, as AWS advises; they take
AWS_ENDPOINT_URL and AWS_CA_BUNDLE from the environment.
"""
import os
import secrets
import time

import boto3

OTP_LENGTH = int(os.environ.get("OTP_LENGTH") or 6)
OTP_TTL_SECONDS = int(os.environ.get("OTP_TTL_SECONDS") or 300)
SMS_MESSAGE = "Your sign-in code is {code}. It expires in {minutes} minutes."
EMAIL_SUBJECT = "Your sign-in code"
EMAIL_TEXT = "Your sign-in code is {code}. It expires in {minutes} minutes."
EMAIL_FROM = os.environ.get("EMAIL_FROM", "")

sns = boto3.client("sns")
ses = boto3.client("sesv2")


def mask_phone(phone):
    return phone[0] + "*" * (len(phone) - 5) + phone[-4:]


def mask_email(address):
    local, _, domain = address.partition("@")
    name, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{name[:1]}***.{tld}"


def answer(event, channel, destination, code, metadata):
    event["response"] = {
        "publicChallengeParameters": {"step": "code", "channel": channel, "destination": destination,
                                      "codeLength": str(len(code))},
        "privateChallengeParameters": {"code": code},
        "challengeMetadata": metadata,
    }
    return event


def handler(event, context):
    request = event.get("request") or {}
    attributes = request.get("userAttributes") or {}
    phone, email = attributes.get("phone_number"), attributes.get("email")
    session = request.get("session") or []
    last = session[-1] if session else {}
    metadata = last.get("challengeMetadata") or ""
    if metadata.startswith("OTP:") and last.get("challengeResult") is False:
        _, channel, expiry, code, *_ = metadata.split(":")  # OTP:channel:expiry:code[:resends]
        if int(expiry) > time.time():  # a retry: the same code, nothing sent
            destination = mask_phone(phone) if channel == "sms" else mask_email(email)
            return answer(event, channel, destination, code, metadata)
    code = str(secrets.randbelow(10 ** OTP_LENGTH)).zfill(OTP_LENGTH)
    minutes = str(-(-OTP_TTL_SECONDS // 60))
    metadata_channel = "sms" if phone else "email"
    if phone:
        sns.publish(PhoneNumber=phone, Message=SMS_MESSAGE.format(code=code, minutes=minutes), MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
        destination = mask_phone(phone)
    else:
        ses.send_email(FromEmailAddress=EMAIL_FROM, Destination={"ToAddresses": [email]}, Content={"Simple": {
            "Subject": {"Data": EMAIL_SUBJECT}, "Body": {"Text": {"Data": EMAIL_TEXT.format(code=code, minutes=minutes)}}}})
        destination = mask_email(email)
    expiry = int(time.time()) + OTP_TTL_SECONDS
    return answer(event, metadata_channel, destination, code, f"OTP:{metadata_channel}:{expiry}:{code}:0")
