import ArgumentParser
import Foundation
import PreferCore

/// `prefer drivers`: which features of the outputs drive the votes.
struct DriversCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drivers",
        abstract: "What drives the votes: per feature (length, formatting, refusals, your own), the raw win rate of the side with more of it and its effect in a joint model.",
        discussion: """
        Reads pairwise votes with the two outputs' texts: LMArena-style rows (model_a, model_b, winner) \
        with text_a/text_b (or output_a/output_b), optionally prompt and source (human | judge); or any \
        JSONL/JSON/CSV with the columns named by --text-a, --text-b, --winner or --a-wins/--b-wins/--ties, \
        --a/--b, --prompt. Numeric columns feature_a.NAME/feature_b.NAME are features too.

        Built-in features: \(TextFeature.allCases.map(\.name).joined(separator: ", ")), and script_match \
        when prompts are given. Default set: \(DriversCommand.defaultFeatures.map(\.name).joined(separator: ", ")) \
        (--features all adds length_words and length_tokens, nearly collinear with length_chars).

        Examples:
          prefer drivers votes.jsonl
          prefer drivers votes.jsonl --feature apology='(?i)\\bsorry\\b' --format json
          prefer drivers pairs.csv --text-a response_a --text-b response_b --a-wins votes_a --b-wins votes_b
          prefer drivers votes.jsonl --source-field annotator_kind --reference human --format svg > drivers.svg
        """
    )

    static let defaultFeatures = TextFeature.driverDefaults

    @Argument(help: "Vote files (.jsonl, .json, .csv); - reads standard input.")
    var files: [String]

    @Option(name: .customLong("text-a"), help: ArgumentHelp("The field holding side A's text (default: text_a, else output_a).", valueName: "FIELD"))
    var textA: String?
    @Option(name: .customLong("text-b"), help: ArgumentHelp("The field holding side B's text (default: text_b, else output_b).", valueName: "FIELD"))
    var textB: String?
    @Option(help: ArgumentHelp("The field holding the prompt (default: prompt, when present); adds script_match.", valueName: "FIELD"))
    var prompt: String?
    @Option(name: .customLong("a"), help: ArgumentHelp("The field naming side A's contender, in files that are not LMArena-shaped.", valueName: "FIELD"))
    var contenderA: String?
    @Option(name: .customLong("b"), help: ArgumentHelp("The field naming side B's contender.", valueName: "FIELD"))
    var contenderB: String?
    @Option(help: ArgumentHelp("The field holding the outcome (model_a, model_b, tie, tie (bothbad); or a, b, both_bad).", valueName: "FIELD"))
    var winner: String?
    @Option(name: .customLong("a-wins"), help: ArgumentHelp("The field counting judgements that preferred A (aggregated rows).", valueName: "FIELD"))
    var aWins: String?
    @Option(name: .customLong("b-wins"), help: ArgumentHelp("The field counting judgements that preferred B.", valueName: "FIELD"))
    var bWins: String?
    @Option(help: ArgumentHelp("The field counting ties.", valueName: "FIELD"))
    var ties: String?
    @Option(help: ArgumentHelp("The field holding a row's weight, in files that are not LMArena-shaped.", valueName: "FIELD"))
    var weight: String?
    @Option(name: .customLong("source-field"), help: ArgumentHelp("The field saying who judged (human, judge…; default: source, when present): adds the table per source, side by side.", valueName: "FIELD"))
    var sourceField: String?
    @Option(help: ArgumentHelp("The source the others are compared with (default: human).", valueName: "SOURCE"))
    var reference: String?

    @Option(help: ArgumentHelp("Built-in features to measure, comma-separated, or all.", valueName: "LIST"))
    var features: String?
    @Option(name: .customLong("feature"), help: ArgumentHelp("A feature counting matches of a regular expression in each text (repeatable).", valueName: "NAME=REGEX"))
    var patterns: [String] = []
    @Option(name: .customLong("feature-column"), help: ArgumentHelp("A numeric feature from the columns feature_a.NAME and feature_b.NAME (repeatable; default: every such pair in the first row).", valueName: "NAME"))
    var featureColumns: [String] = []
    @Flag(name: .customLong("no-contenders"), help: "Leave contender strengths out of the model even when the votes name the contenders.")
    var noContenders = false

    @Option(help: "Interval coverage, e.g. 0.95.")
    var level: Double = 0.95
    @Option(help: "False discovery rate for the Benjamini–Hochberg discoveries.")
    var fdr: Double = 0.05

    @Option(help: "Output: table, markdown, json, csv or svg (the chart).")
    var format: DriverReport.TextFormat = .table
    @Option(help: "Title of the SVG chart.")
    var title = "What drives the votes"

    @OptionGroup var input: VoteInputOptions

    @Flag(name: .shortAndLong, help: "No progress line on standard error (warnings are still printed).")
    var quiet = false
    @Flag(help: "Print how long reading and the analysis took (seconds, JSON) on standard error.")
    var timings = false

    var mappingFlags: Bool {
        contenderA != nil || contenderB != nil || winner != nil || aWins != nil || bWins != nil || ties != nil || weight != nil
    }

    func validate() throws {
        if (contenderA == nil) != (contenderB == nil) { throw ValidationError("--a and --b go together: name both contender fields.") }
        if winner != nil && (aWins != nil || bWins != nil || ties != nil) {
            throw ValidationError("give the outcome either as --winner FIELD or as counts (--a-wins, --b-wins, --ties), not both.")
        }
        if (textA == nil) != (textB == nil) { throw ValidationError("--text-a and --text-b go together.") }
        _ = try builtIns()
        for pattern in patterns {
            do { _ = try PatternFeature(parsing: pattern) } catch { throw ValidationError(error.message) }
        }
    }

    func builtIns() throws -> [TextFeature] {
        guard let features else { return Self.defaultFeatures }
        if features == "all" { return TextFeature.allCases }
        return try features.split(separator: ",").map { name in
            guard let feature = TextFeature(name: String(name.trimmingCharacters(in: .whitespaces))) else {
                throw ValidationError("--features: \"\(name)\" is not a built-in feature; choose from \(TextFeature.allCases.map(\.name).joined(separator: ", ")), or all.")
            }
            return feature
        }
    }

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        let clock = ContinuousClock()
        let start = clock.now
        let builtIns = try builtIns()
        let patternFeatures = try patterns.map { try PatternFeature(parsing: $0) }
        let reader = VoteFileReader(options: input.parseOptions(), progress: progress)
        var table: ComparisonTable?
        var inputs: [String] = []
        var usedSourceField: String?
        var skipped = 0
        var invalid: [String] = []
        for path in files {
            let name = path == "-" ? "<stdin>" : path
            let part: ComparisonTable = try reader.withBytes(of: path) { bytes in
                guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
                    throw CommandError("no votes in \(name) (the file is empty).")
                }
                let keys = Set(FirstRecord.keys(bytes))
                let fieldsA = textA ?? (keys.contains("text_a") ? "text_a" : keys.contains("output_a") ? "output_a" : nil)
                let fieldsB = textB ?? (keys.contains("text_b") ? "text_b" : keys.contains("output_b") ? "output_b" : nil)
                let promptField = prompt ?? (keys.contains("prompt") ? "prompt" : nil)
                let source = sourceField ?? (keys.contains("source") ? "source" : nil)
                usedSourceField = source
                let numeric = featureColumns.isEmpty
                    ? keys.filter { $0.hasPrefix("feature_a.") && keys.contains("feature_b." + $0.dropFirst(10)) }.map { String($0.dropFirst(10)) }.sorted()
                    : featureColumns
                guard fieldsA != nil || !numeric.isEmpty else {
                    throw CommandError("\(name): no texts to measure (text_a/text_b or output_a/output_b) and no feature_a.NAME/feature_b.NAME columns; name the text fields with --text-a and --text-b.")
                }
                let set = TextFeatureSet(builtIns: fieldsA == nil ? [] : builtIns, script: fieldsA != nil && promptField != nil,
                                         patterns: fieldsA == nil ? [] : patternFeatures)
                var description: [String] = []
                if let fieldsA, let fieldsB { description.append("texts \(fieldsA), \(fieldsB) measured: \(set.names.filter { $0 != TextFeatureSet.scriptName }.joined(separator: ", "))") }
                if !numeric.isEmpty { description.append("feature columns: \(numeric.joined(separator: ", "))") }
                if let promptField, fieldsA != nil { description.append("prompt \(promptField): script_match") }
                let lmarenaShaped = keys.contains("model_a") && keys.contains("model_b") && keys.contains("winner") && !mappingFlags
                if lmarenaShaped {
                    inputs = description
                    return try readVotes(bytes, name: name, set: set, textFields: fieldsA.flatMap { a in fieldsB.map { (a, $0) } },
                                         prompt: fieldsA == nil ? nil : promptField, numeric: numeric, source: source,
                                         reader: reader, skipped: &skipped, invalid: &invalid)
                }
                guard let fieldsA, let fieldsB else {
                    throw CommandError("\(name): this file is not LMArena-shaped (model_a, model_b, winner), so it needs texts: name them with --text-a and --text-b.")
                }
                if !input.filters.isEmpty || !input.excluded.isEmpty {
                    throw CommandError("--filter and --exclude apply to LMArena-shaped vote files (model_a, model_b, winner); \(name) is read through the column mapping.")
                }
                inputs = description + ["column mapping: " + mappingDescription(textA: fieldsA, textB: fieldsB)]
                var mapping = ColumnMapping()
                mapping.textA = fieldsA
                mapping.textB = fieldsB
                mapping.prompt = promptField
                mapping.contenderA = contenderA
                mapping.contenderB = contenderB
                mapping.winner = winner
                mapping.aWins = aWins
                mapping.bWins = bWins
                mapping.ties = ties
                mapping.weight = weight
                mapping.source = source
                mapping.numeric = numeric
                var builder = ComparisonTableBuilder(textFeatures: set, numericFeatures: numeric)
                let mb = Double(bytes.count) / 1_000_000
                let result: (skipped: Int, errors: [ComparisonFileReader.RowError])
                do {
                    result = try ComparisonFileReader(mapping: mapping, skipInvalid: input.skipInvalid)
                        .read(bytes, source: name, into: &builder) { done, total in
                            progress.update(String(format: "reading %@: %.0f%% of %.0f MB", name, 100 * Double(done) / Double(max(total, 1)), mb))
                        }
                } catch let error as ComparisonFileReader.RowError {
                    throw CommandError(error.description)
                }
                skipped += result.skipped
                invalid += result.errors.map(\.description)
                return builder.build()
            }
            if table == nil {
                table = part
            } else {
                do { try table!.append(contentsOf: part) } catch { throw CommandError(error.message) }
            }
        }
        progress.finish()
        if skipped > 0 && !quiet {
            printError("skipped \(skipped) invalid row\(skipped == 1 ? "" : "s") (--skip-invalid):")
            for line in invalid { printError("  \(line)") }
        }
        guard let table, table.count > 0 else { throw CommandError("No rows to analyse: the input is empty or every row was filtered out.") }
        let readTime = clock.now - start
        progress.update("fitting the joint model on \(table.count) rows", force: true)
        var analysis = DriverAnalysis(level: level, falseDiscoveryRate: fdr, contenders: !noContenders, referenceSource: reference)
        analysis.threads = input.threads
        let report: DriverReport
        do {
            report = try analysis.run(table, inputs: inputs, sourceField: usedSourceField)
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
        progress.finish()
        printOut(try report.rendered(as: format, title: title), terminator: "")
        if format != .json {
            for warning in report.warnings { printError("warning: \(warning)") }
        }
        if timings {
            printError(String(format: #"{"read_s": %.3f, "analysis_s": %.3f, "total_s": %.3f, "rows": %d}"#,
                              readTime.inSeconds, (clock.now - start - readTime).inSeconds, (clock.now - start).inSeconds, table.count))
        }
    }

    /// LMArena-shaped files: `VoteParser` with the texts measured while parsing.
    private func readVotes(
        _ bytes: UnsafeRawBufferPointer, name: String, set: TextFeatureSet, textFields: (String, String)?, prompt: String?,
        numeric: [String], source: String?, reader: VoteFileReader, skipped: inout Int, invalid: inout [String]
    ) throws -> ComparisonTable {
        var options = input.parseOptions(fields: source.map { [$0] } ?? [])
        options.numbers = Set(numeric.flatMap { ["feature_a.\($0)", "feature_b.\($0)"] })
        var columns: [ComparisonTable.Columns] = []
        var scriptMatch: (a: String, b: String, prompt: String)?
        if let (a, b) = textFields {
            options.measures = [set.measuring(a), set.measuring(b)]
            for feature in set.names where feature != TextFeatureSet.scriptName {
                columns.append(.init(name: feature, columnA: TextFeatureSet.column(a, feature), columnB: TextFeatureSet.column(b, feature)))
            }
            if let prompt {
                options.measures.append(TextFeatureSet(builtIns: [], script: true).measuring(prompt))
                scriptMatch = (TextFeatureSet.column(a, TextFeatureSet.scriptName), TextFeatureSet.column(b, TextFeatureSet.scriptName),
                               TextFeatureSet.column(prompt, TextFeatureSet.scriptName))
            }
        }
        columns += numeric.map { .init(name: $0, columnA: "feature_a.\($0)", columnB: "feature_b.\($0)") }
        let mb = Double(bytes.count) / 1_000_000
        let parsed = try VoteParser.parse(bytes, source: name, options: options) { done, _ in
            reader.progress.update(String(format: "reading %@: %.0f of %.0f MB", name, Double(done) / 1_000_000, mb))
        }
        skipped += parsed.invalidCount
        invalid += parsed.invalid.map(\.description)
        var votes = parsed.table
        // Columns the file never filled (a field absent throughout) are all missing.
        for c in columns {
            for column in [c.columnA, c.columnB] where votes.numbers[column] == nil {
                votes.setNumbers(column, [Double](repeating: .nan, count: votes.count))
            }
        }
        if let match = scriptMatch {
            for column in [match.a, match.b, match.prompt] where votes.numbers[column] == nil {
                votes.setNumbers(column, [Double](repeating: .nan, count: votes.count))
            }
        }
        do {
            return try ComparisonTable(votes: votes, columns: columns, scriptMatch: scriptMatch, contenders: true,
                                       sourceField: votes.attributes[source ?? ""] == nil ? nil : source)
        } catch {
            throw CommandError("\(name): \(error.message)")
        }
    }

    private func mappingDescription(textA: String, textB: String) -> String {
        var parts = ["text \(textA)/\(textB)"]
        if let contenderA, let contenderB { parts.append("contenders \(contenderA)/\(contenderB)") }
        if aWins != nil || bWins != nil || ties != nil {
            parts.append("counts \([aWins, bWins, ties].map { $0 ?? "–" }.joined(separator: "/"))")
        } else {
            parts.append("outcome \(winner ?? "winner")")
        }
        if let weight { parts.append("weight \(weight)") }
        return parts.joined(separator: ", ")
    }
}

extension DriverReport.TextFormat: ExpressibleByArgument {}
