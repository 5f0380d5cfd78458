import Glibc
import PasswordlessDelivery

exit(LocalSignInCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
