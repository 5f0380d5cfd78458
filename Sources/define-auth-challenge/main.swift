import PasswordlessAuth
import PasswordlessTriggers

DefineHandler.main { settings, _ in
    DefineHandler(configuration: try PasswordlessConfiguration(settings))
}
