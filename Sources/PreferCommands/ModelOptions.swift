import ArgumentParser
import PreferCore

/// `prefer rank`'s model options: which model, how pairwise ties count, and
/// what "both bad" votes are.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Rating model: bradley-terry or plackett-luce (default: plackett-luce when the votes include K-way votes, else bradley-terry).",
        valueName: "MODEL"))
    var model: LeaderboardModel = .automatic

    @Option(help: ArgumentHelp(
        "Pairwise ties: half (half a win each side), davidson (Davidson 1970) or rao-kupper (Rao & Kupper 1967); with the last two the tie parameter is estimated with the ratings.",
        valueName: "MODEL"))
    var ties: TieModel = .half

    @Option(name: .customLong("both-bad"), help: ArgumentHelp(
        "\"Both bad\" votes: tie (count them as ties) or drop (leave them out of the ranking).",
        valueName: "tie|drop"))
    var bothBad: BothBadPolicy = .tie

    func apply(to options: inout LeaderboardOptions) {
        options.model = model
        options.ties = ties
        options.bothBad = bothBad
    }
}

extension LeaderboardModel: ExpressibleByArgument {}
extension TieModel: ExpressibleByArgument {}
extension BothBadPolicy: ExpressibleByArgument {}
