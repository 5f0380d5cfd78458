import Glibc

exit(LocalSignInCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
