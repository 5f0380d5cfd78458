import PasswordlessAuth
import PasswordlessTriggers

PreSignUpHandler.main { settings, _ in
    PreSignUpHandler(policy: try SignUpPolicy(settings))
}
