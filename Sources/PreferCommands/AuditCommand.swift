import ArgumentParser
import Foundation
import PreferCore

/// `prefer audit`: find bad voters and say why.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit the voters: consensus disagreement, position bias, speed, volume, gold, coordinated groups.",
        discussion: """
        Reads the same files as prefer rank. The voter is the "voter" field, else "judge" (LMArena's \
        name); timings come from "time_to_vote_ms", output text from "output_a"/"output_b", prompts \
        from "prompt"; model_a is the side shown on the left. Signals whose data is missing are \
        reported as not available.

        --simulate draws an honest arena, plants random clickers, always-left voters, contrarians, \
        too-fast voters and a coordinated group boosting one contender, audits it, and reports recall, \
        false flags and the boosted contender's rating against a likelihood-ratio oracle.

        Examples:
          prefer audit votes.jsonl
          prefer audit clean_battle.json --format json --gold gold.jsonl
          prefer audit --simulate --seed 1
        """
    )

    @Argument(help: "Vote files (.jsonl, .json, .csv); - reads standard input.")
    var files: [String] = []

    @OptionGroup var input: VoteInputOptions
    @OptionGroup var settings: AuditSettings

    @Option(help: "Output: table or json.")
    var format: AuditReport.TextFormat = .table

    @Flag(help: "List every voter in the table, not only the flagged.")
    var all = false

    @Flag(name: .shortAndLong, help: "No progress line on standard error.")
    var quiet = false

    @OptionGroup(title: "Simulation") var simulation: SimulationOptions

    func validate() throws {
        if simulation.simulate && !files.isEmpty {
            throw ValidationError("--simulate draws its own arena; give no vote files with it.")
        }
        if !simulation.simulate && files.isEmpty {
            throw ValidationError("give vote files to audit (or --simulate for the planted-fraud study).")
        }
    }

    func run() throws {
        if simulation.simulate {
            try simulation.run(settings: settings, format: format)
            return
        }
        let progress = ProgressLine(quiet: quiet)
        let read = try VoteFileReader(options: input.parseOptions(fields: AuditInputs.fields), progress: progress).read(files)
        input.reportSkipped(read, quiet: quiet)
        guard read.table.count > 0 else { throw CommandError("no votes to audit (check the files and --filter).") }
        let options = try settings.options()
        let inputs = try settings.inputs(read.table)
        progress.update("auditing \(read.table.count) votes", force: true)
        let result: VoteAudit.Result
        do {
            result = try VoteAudit(options: options).run(read.table, inputs: inputs)
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
        progress.finish()
        printOut(try result.report.rendered(as: format, allVoters: all), terminator: "")
    }
}
