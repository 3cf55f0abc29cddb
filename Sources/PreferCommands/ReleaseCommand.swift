import ArgumentParser
import Foundation
import Logging
import PreferCore
import PreferStore

/// `prefer release --arena A --out DIR`: a data release as LMArena, Music
/// Arena and 3D Arena publish theirs.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Write a public data release of an arena: votes, prompts, outputs, contenders, leaderboard, audit, dataset card, checksums.",
        discussion: """
        Annotators are pseudonymised with a key made for this release and then forgotten (HMAC-SHA-256), so two \
        releases cannot be joined on annotators and the server's own pseudonyms do not appear. Battle ids and client \
        vote ids are not released. Redaction: --drop-rationales, --drop-prompts REGEX (the prompt and everything on \
        it), --drop-annotator NAME (as the server stores them; repeatable). README.md describes what, when, how many, \
        how collected, the licence and every field; SHA256SUMS checks every file.

        Example:
          prefer release --arena music --out music-2026-11 --license CC-BY-4.0 --drop-rationales
        """
    )

    @Option(help: "Arena name.") var arena: String
    @Option(help: "The folder to write (created; must be empty if it exists).") var out: String
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://…; PREFER_DATABASE_URL works too.")
    var database: String?
    @Option(help: "The licence of the release, as the dataset card states it (e.g. CC-BY-4.0); default: the arena's own (set on the arena with the API's license field).")
    var license: String?
    @Flag(name: .customLong("drop-rationales"), help: "Leave out free-text rationales.") var dropRationales = false
    @Option(name: .customLong("drop-prompts"), help: ArgumentHelp("Leave out prompts matching this regular expression, with their outputs and votes.", valueName: "REGEX"))
    var dropPrompts: String?
    @Option(name: .customLong("drop-annotator"), help: ArgumentHelp("Leave out everything by this annotator (repeatable).", valueName: "NAME"))
    var dropAnnotators: [String] = []
    @Option(help: "Bootstrap rounds for the leaderboard's intervals.") var bootstrap: Int = 1000
    @Option(help: "Seed of the leaderboard's bootstrap and the audit's down-sampling.") var seed: UInt64 = 42
    @Option(
        name: .customLong("pseudonym-key"),
        help: ArgumentHelp(
            "64 hex digits: the key of the annotators' pseudonyms, to make the release reproducible byte for byte (keep it secret; the default is a random key, forgotten, so no two releases can be joined).",
            valueName: "HEX"))
    var pseudonymKey: String?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() async throws {
        var logger = Logger(label: "prefer")
        logger.logLevel = .warning
        var options = DataRelease.Options()
        options.license = license
        options.dropRationales = dropRationales
        options.dropPrompts = dropPrompts
        options.dropAnnotators = Set(dropAnnotators)
        options.bootstrap = bootstrap
        options.seed = seed
        do {
            options.pseudonymKey = try pseudonymKey.map { try DataRelease.Options.key(hex: $0, field: "--pseudonym-key") }
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
        let progress = ProgressLine(quiet: quiet)
        let (_, opened) = try await StoreOpener.open(database, logger: logger)
        guard let store = opened as? SQLPreferStore else { throw CommandError("this store cannot write releases") }
        do {
            try await store.migrate()
            guard let target = try await store.arena(named: arena) else {
                throw CommandError("There is no arena named \"\(arena)\" in this database.")
            }
            var release: DataRelease
            do {
                release = try DataRelease(arena: target, options: options)
            } catch let error as StoreError where error.field == "drop_prompts" {
                throw ValidationError("--drop-prompts: \"\(dropPrompts ?? "")\" is not a regular expression.")
            }
            let summary = try await release.write(store: store, to: out) { progress.update($0, force: true) }
            progress.finish()
            printOut("wrote the release of arena \"\(arena)\" to \(out): \(summary.description)")
            if summary.license == nil && !quiet {
                printError("warning: no --license given and the arena sets none; the dataset card says the licence is unspecified.")
            }
        } catch {
            progress.finish()
            try? await store.shutdown()
            if let error = error as? StoreError { throw CommandError(error.message) }
            throw error
        }
        try await store.shutdown()
    }
}
