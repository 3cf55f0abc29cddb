import ArgumentParser

/// The `prefer` command-line tool.
@available(macOS 10.15, *)
public struct Prefer: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "prefer",
        abstract: "Collect pairwise preferences, rank contenders with honest intervals, audit the votes.",
        subcommands: [ServeCommand.self, ImportCommand.self, RankCommand.self, AuditCommand.self, AgreementCommand.self, BenchCommand.self, SimulateCommand.self, RewardCommand.self]
    )

    public init() {}
}
