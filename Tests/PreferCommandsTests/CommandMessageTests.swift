import ArgumentParser
import Foundation
@testable import PreferCommands
import PreferCore
import Testing

/// What the tool says on the small things a newcomer tries first.
@Suite("Command messages")
struct CommandMessageTests {
    @Test func versionIsPrinted() async {
        let run = await CommandRun.run(["--version"])
        #expect(run.status == 0)
        // In process, ArgumentParser's CleanExit comes back as a message on the
        // error stream (the executable prints it on standard output).
        #expect((run.stdout + run.stderr).trimmingCharacters(in: .whitespacesAndNewlines) == PreferVersion.current)
        #expect(PreferVersion.current.split(separator: ".").count == 3)
    }

    @Test func importHelpListsWhatItImports() async {
        let help = Prefer.helpMessage(for: ImportCommand.self)
        for kind in ["battles", "pairs", "counts", "ratings", "rankings"] {
            #expect(help.contains("  \(kind) "), "\(kind) missing from: \(help)")
        }
        #expect(help.contains("TRL") && help.contains("UltraFeedback") && help.contains("/api/arenas/{arena}/import"))
    }

    @Test func negativeBootstrapSaysTheValueMustBePositive() {
        do {
            _ = try RatingOptions.parse(["--bootstrap", "-3"])
            Issue.record("--bootstrap -3 was accepted")
        } catch {
            let message = RatingOptions.message(for: error)
            #expect(message.contains("--bootstrap must be a positive number"), "\(message)")
            #expect(message.contains("got -3"), "\(message)")
        }
    }

    @Test func anEmptyVoteFileSaysNoVotes() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-empty-\(UUID().uuidString).jsonl").path
        FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        for command in ["agreement", "drivers"] {
            let run = await CommandRun.run([command, path, "-q"])
            #expect(run.status != 0)
            #expect(run.stderr.contains("no votes in \(path)"), "\(command): \(run.stderr)")
            #expect(!run.stderr.contains("carry no") && !run.stderr.contains("no texts"), "\(command): \(run.stderr)")
        }
        for command in ["rank", "audit", "cycles", "items"] {
            let run = await CommandRun.run([command, path, "-q"])
            #expect(run.status != 0 && run.stderr.lowercased().contains("no votes"), "\(command): \(run.stderr)")
        }
    }
}
