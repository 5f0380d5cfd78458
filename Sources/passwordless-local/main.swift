import Glibc
import PasswordlessTriggers

exit(LocalSignInCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
