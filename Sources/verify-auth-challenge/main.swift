import PasswordlessTriggers

VerifyHandler.main { _, _ in VerifyHandler() }
