"""DefineAuthChallenge for Python, run by awslambdaric: python3 -m awslambdaric define.handler"""
import os

MAX_ATTEMPTS = int(os.environ.get("MAX_ATTEMPTS") or 3)
FAIL = {"issueTokens": False, "failAuthentication": True}
CHOICE = "CHANNEL_CHOICE"


def handler(event, context):
    session = (event.get("request") or {}).get("session") or []
    if session and session[0].get("challengeName") == "SRP_A":
        session = session[1:]
    if any(s.get("challengeName") != "CUSTOM_CHALLENGE" for s in session):
        event["response"] = dict(FAIL)
    elif session and session[-1].get("challengeResult") is True and session[-1].get("challengeMetadata") != CHOICE:
        event["response"] = {"issueTokens": True, "failAuthentication": False}
    elif (sum(1 for s in session if s.get("challengeResult") is False and s.get("challengeMetadata") != CHOICE) >= MAX_ATTEMPTS
          or sum(1 for s in session if s.get("challengeMetadata") == CHOICE) > 1):
        event["response"] = dict(FAIL)
    else:
        event["response"] = {"challengeName": "CUSTOM_CHALLENGE", "issueTokens": False, "failAuthentication": False}
    return event
