import ArgumentParser
import Foundation
import Logging
import PreferCore
import PreferJudge
import PreferStore

/// `prefer judge`: AI judges beside people.
struct JudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "AI judges over any OpenAI-compatible endpoint: define, run on an arena or a file, measure against people.",
        discussion: "See docs/judges.md for pointing Prefer at OpenAI, llama.cpp, vLLM or Ollama, the templates and the statistics.",
        subcommands: [
            JudgeAdd.self, JudgeList.self, JudgeRunCommand.self, JudgeFileCommand.self, JudgeAgreementCommand.self,
            JudgeValidateCommand.self, JudgeRouteSim.self, JudgeTemplateCommand.self,
        ]
    )
}

/// The options that say how a judge asks, shared by `judge add` and `judge file`.
struct JudgeSettingOptions: ParsableArguments {
    @Option(help: "Mode: \(JudgeMode.spellings).") var mode: JudgeMode = .pairwise
    @Option(help: "A template file ([system] and [user] sections, or the user message alone); default: the built-in one.")
    var template: String?
    @Option(help: "Criteria judged each in its own request besides the overall verdict, comma-separated.")
    var criteria: String?
    @Option(help: "Sampling temperature.") var temperature = 0.0
    @Option(help: "Most tokens an answer may take.") var maxTokens = 512
    @Option(help: "Sampling seed (-1: none).") var seed = 0
    @Option(help: "Requests in flight at once.") var concurrency = 8
    @Option(help: "Requests started per minute (default: no limit).") var rpm: Int?
    @Option(help: "Seconds a request may take.") var timeout = 120.0
    @Option(help: "Retries after a timeout, a 429 or a 5xx.") var retries = 4
    @Option(help: "Verdict method: \(VerdictMethod.spellings).") var verdict: VerdictMethod = .text
    @Option(help: "Orders: both (default) or one.") var orders: JudgeOrders = .both
    @Option(help: "A verdict that flips with the order: tie (default) or drop.") var flips: FlipPolicy = .tie
    @Option(help: "Outputs ranked at once in rank mode.") var rankSize = 4

    func configuration(name: String, endpoint: String, model: String, apiKeyEnv: String?) throws -> JudgeConfiguration {
        var template: JudgeTemplate?
        if let path = self.template {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandError("cannot read the template file \(path).")
            }
            template = JudgeTemplate(fileText: text)
        }
        let configuration = JudgeConfiguration(
            name: name, endpoint: endpoint, apiKeyEnv: apiKeyEnv, model: model, mode: mode, template: template,
            criteria: criteria.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? [],
            sampling: .init(temperature: temperature, maxTokens: maxTokens, seed: seed < 0 ? nil : seed),
            limits: .init(concurrency: concurrency, requestsPerMinute: rpm, timeoutSeconds: timeout, retries: retries),
            verdictMethod: verdict, orders: orders, flips: flips, rankSize: rankSize)
        do {
            try configuration.validate()
        } catch {
            throw CommandError(self.template.map { "\($0): \(error.message)" } ?? error.message)
        }
        return configuration
    }
}

extension JudgeMode: ExpressibleByArgument {}
extension VerdictMethod: ExpressibleByArgument {}
extension JudgeOrders: ExpressibleByArgument {}
extension FlipPolicy: ExpressibleByArgument {}

/// Opens the store as a `JudgeStore` and migrates it.
enum JudgeStoreOpener {
    static func open(_ option: String?, logger: Logger) async throws -> (url: String, store: SQLPreferStore) {
        let url = option ?? ProcessInfo.processInfo.environment["PREFER_DATABASE_URL"] ?? "prefer.sqlite"
        let store = try await SQLPreferStore.open(url, logger: logger)
        do {
            try await store.migrate()
        } catch {
            try? await store.shutdown()
            throw error
        }
        return (url, store)
    }

    static func logger() -> Logger {
        var logger = Logger(label: "prefer.judge")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with the store, closing it afterwards whatever happens.
    static func with<T>(_ option: String?, _ body: (SQLPreferStore) async throws -> T) async throws -> T {
        let (_, store) = try await open(option, logger: logger())
        do {
            let value = try await body(store)
            try await store.shutdown()
            return value
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    static func judge(_ name: String, in store: SQLPreferStore) async throws -> StoredJudge {
        guard let judge = try await store.judge(named: name) else {
            let known = try await store.judges().map(\.name)
            throw CommandError("no judge named \"\(name)\"" + (known.isEmpty ? "; define one with prefer judge add." : " (judges: \(known.joined(separator: ", "))).") )
        }
        return judge
    }

    static func arena(_ name: String, in store: SQLPreferStore) async throws -> Arena {
        guard let arena = try await store.arena(named: name) else {
            throw CommandError("no arena named \"\(name)\" in this database.")
        }
        return arena
    }
}

/// `prefer judge add NAME --endpoint URL --model M …` or `prefer judge add --file JUDGE.json`.
struct JudgeAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Define a judge (or replace one with --replace). The API key is never stored: name its environment variable.",
        discussion: """
        Examples:
          prefer judge add local --endpoint http://127.0.0.1:8080/v1 --model qwen
          OPENAI_API_KEY=… prefer judge add gpt --endpoint https://api.openai.com/v1 --model gpt-4o-mini --api-key-env OPENAI_API_KEY
          prefer judge add --file judge.json
        """
    )

    @Argument(help: "The judge's name (not with --file).") var name: String?
    @Option(help: "A JSON file defining the judge (snake_case keys: name, endpoint, model, api_key_env, mode, …).") var file: String?
    @Option(help: "Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1.") var endpoint: String?
    @Option(help: "The model to ask.") var model: String?
    @Option(help: "Name of the environment variable holding the API key (never the key).") var apiKeyEnv: String?
    @OptionGroup var settings: JudgeSettingOptions
    @Flag(help: "Replace a judge of the same name.") var replace = false
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://…; PREFER_DATABASE_URL works too.")
    var database: String?

    func run() async throws {
        let configuration: JudgeConfiguration
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file).") }
            do {
                configuration = try JSONDecoder().decode(JudgeConfiguration.self, from: data)
            } catch {
                throw CommandError("\(file): not a judge definition (\(error)); it needs at least name, endpoint and model.")
            }
            do {
                try configuration.validate()
            } catch {
                throw CommandError("\(file): \(error.message)")
            }
        } else {
            guard let name, let endpoint, let model else {
                throw CommandError("give the judge's NAME, --endpoint and --model (or --file JUDGE.json).")
            }
            configuration = try settings.configuration(name: name, endpoint: endpoint, model: model, apiKeyEnv: apiKeyEnv)
        }
        let stored = try await JudgeStoreOpener.with(database) { store in
            try await store.saveJudge(configuration, replacing: replace)
        }
        printOut("judge \"\(stored.name)\" (id \(stored.id)): \(configuration.mode.rawValue) with \(configuration.model) at \(configuration.endpoint)"
            + (configuration.apiKeyEnv.map { ", key from $\($0)" } ?? ""))
    }
}

/// `prefer judge list`
struct JudgeList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the judges (as JSON with --format json).")

    @Option(help: "Output: table or json.") var format: AuditReport.TextFormat = .table
    @Option(help: "Database (default prefer.sqlite; PREFER_DATABASE_URL works too).") var database: String?

    func run() async throws {
        let judges = try await JudgeStoreOpener.with(database) { try await $0.judges() }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            printOut(String(decoding: try encoder.encode(judges.map(\.configuration)), as: UTF8.self))
        case .table:
            if judges.isEmpty {
                printOut("No judges; define one with prefer judge add NAME --endpoint URL --model M.")
                return
            }
            for judge in judges {
                let c = judge.configuration
                printOut("\(c.name)\t\(c.mode.rawValue)\t\(c.model)\t\(c.endpoint)\tkey: \(c.apiKeyEnv.map { "$" + $0 } ?? "none")\tverdicts: \(c.verdictMethod.rawValue), orders: \(c.orders.rawValue)")
            }
        }
    }
}

/// `prefer judge template --mode pairwise [--verdict logprobs]`
struct JudgeTemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Print a built-in template in the template-file form, to start a custom one from.",
        discussion: """
        Placeholders: {{prompt}}, {{reference}}, {{criterion}} in every mode; {{answer_a}} and {{answer_b}} (pairwise), \
        {{answer}} (score), {{answers}}, {{count}}, {{labels}}, {{example}} (rank). {{#name}}…{{/name}} keeps its text \
        only when name has a value.

        Example:
          prefer judge template --mode pairwise > my-template.txt
        """
    )

    @Option(help: "Mode: \(JudgeMode.spellings).") var mode: JudgeMode = .pairwise
    @Option(help: "Verdict method: \(VerdictMethod.spellings).") var verdict: VerdictMethod = .text

    func run() throws {
        printOut(JudgeTemplate.builtIn(mode, method: verdict).fileText, terminator: "")
    }
}
