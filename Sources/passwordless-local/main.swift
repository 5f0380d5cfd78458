import Platform

FileIO.exitProcess(LocalSignInCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
