import ArgumentParser
import Foundation
@testable import PreferCommands

/// Runs a `prefer` command in this process, as swift-argument-parser's
/// own tests do: parse the arguments with the root command, run what they
/// name, and turn a thrown error into the message and exit code the tool
/// would print — with standard output, error and input captured for the
/// task (`Console.capture`), so tests can run side by side. Commands that
/// need a process of their own (signals, `kill -9`) use `PreferProcess`.
enum CommandRun {
    static func run(_ arguments: [String], stdin: String = "") async -> PreferProcess.Output {
        let capture = Console.Capture(input: stdin)
        let status: Int32 = await Console.$capture.withValue(capture) {
            do {
                var command = try Prefer.parseAsRoot(arguments)
                if var asynchronous = command as? any AsyncParsableCommand {
                    try await asynchronous.run()
                } else {
                    try command.run()
                }
                return 0
            } catch {
                let message = Prefer.fullMessage(for: error)
                if !message.isEmpty { Console.writeError(message + "\n") }
                return Prefer.exitCode(for: error).rawValue
            }
        }
        return PreferProcess.Output(status: status, stdout: capture.standardOutput, stderr: capture.standardError)
    }
}
