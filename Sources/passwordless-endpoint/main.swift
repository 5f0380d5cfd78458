import CognitoEndpoint
import Platform

FileIO.exitProcess(EndpointCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
