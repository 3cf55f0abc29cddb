import ArgumentParser
import PreferCore

/// The `prefer` command-line tool.
public struct Prefer: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "prefer",
        abstract: "Collect pairwise preferences, rank contenders with honest intervals, audit the votes.",
        version: PreferVersion.current,
        subcommands: [
            ServeCommand.self, ImportCommand.self, ExportCommand.self, ReleaseCommand.self, RankCommand.self,
            AuditCommand.self, AgreementCommand.self, JudgeCommand.self, DriversCommand.self, CyclesCommand.self,
            ItemsCommand.self, SimulateCommand.self, RewardCommand.self, BenchCommand.self, AdminCommand.self,
        ]
    )

    public init() {}
}
