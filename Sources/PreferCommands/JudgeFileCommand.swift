import ArgumentParser
import Foundation
import PreferCore
import PreferJudge
import PreferStore
import AsyncHTTPClient

/// `prefer judge file PAIRS.jsonl --endpoint URL --model M …`: judging files without an arena.
struct JudgeFileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "Judge the pairs of a JSONL file (AlpacaEval/Arena-Hard style): one result per row, in input order.",
        discussion: """
        Rows: {"id"?, "prompt", "a", "b", "reference"?} (an output may be {"image": URL, "caption"?}). \
        Results on standard output: {"id", "verdict": "a"|"b"|"tie", "strength": 2|1|0, "consistent", \
        "verdicts": [per order], "raw": [per order], "tokens", "error"?}; the summary (position consistency, \
        unparseable answers, tokens, time) on standard error. --cache FILE keeps every answer in an SQLite file, \
        so that a rerun of the same rows costs nothing.

        Example:
          prefer judge file pairs.jsonl --endpoint http://127.0.0.1:8080/v1 --model qwen --cache judge-cache.sqlite
        """
    )

    @Argument(help: "The pairs file (.jsonl, or a .json array); - reads standard input.") var file: String
    @Option(help: "Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1.") var endpoint: String
    @Option(help: "The model to ask.") var model: String
    @Option(help: "Name of the environment variable holding the API key (never the key).") var apiKeyEnv: String?
    @OptionGroup var settings: JudgeSettingOptions
    @Option(help: "Output: jsonl (one line per row, as soon as it is ready) or json (one array).") var format: OutputFormat = .jsonl
    @Option(help: "An SQLite file keeping every answer (the cache); created if missing.") var cache: String?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case jsonl, json
    }

    func run() async throws {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file).") }
            data = contents
        }
        let rows: [JudgeFile.Row]
        do {
            rows = try JudgeFile.parse(data, source: file == "-" ? "stdin" : file)
        } catch let error as JudgeFile.ParseError {
            throw CommandError(error.message)
        }
        let configuration = try settings.configuration(name: "file", endpoint: endpoint, model: model, apiKeyEnv: apiKeyEnv)
        let logger = JudgeStoreOpener.logger()
        var store: SQLPreferStore?
        if let cache {
            store = try await JudgeStoreOpener.open(cache, logger: logger).store
        }
        let client = JudgeHTTPClient.make(connections: configuration.limits.concurrency)
        let progress = ProgressLine(quiet: quiet)
        let out = BufferedOutput()
        do {
            let endpoint: JudgeEndpoint
            do {
                endpoint = try JudgeEndpoint(configuration: configuration, client: client, logger: logger)
            } catch {
                throw CommandError(error.message)
            }
            let runner = JudgeFileRun(engine: JudgeEngine(configuration: configuration, judgeId: nil, endpoint: endpoint), cache: store)
            let format = self.format
            if format == .json { out.write("[") }
            let summary = try await SignalCancellation.run {
                try await runner.run(rows, progress: { done, total, counters in
                    progress.update("judged \(done) of \(total) rows, \(counters.requests) requests, \(counters.cached) cached, \(counters.errors) errors")
                }) { result in
                    let line = try result.jsonText()
                    switch format {
                    case .jsonl: out.write(line + "\n")
                    case .json: out.writeElement(line)
                    }
                }
            }
            if format == .json { out.write(rows.isEmpty ? "]\n" : "\n]\n") }
            out.flush()
            progress.finish()
            printError(summary.text)
        } catch {
            out.flush()
            progress.finish()
            try? await client.shutdown()
            try? await store?.shutdown()
            if error is CancellationError { throw CommandError("interrupted; answers so far are in the cache (if --cache was given).") }
            throw error
        }
        try await client.shutdown()
        try await store?.shutdown()
    }
}

/// Standard output in 64 KB writes.
final class BufferedOutput: @unchecked Sendable {
    private var buffer = Data()
    private var elements = 0

    /// An element of a JSON array: the separator, then the element.
    func writeElement(_ text: String) {
        write((elements == 0 ? "\n" : ",\n") + text)
        elements += 1
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
