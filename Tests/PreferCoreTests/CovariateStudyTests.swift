import Foundation
import Testing
@testable import PreferCore

/// Small versions of the recovery studies (`prefer bench style-control` and
/// `prefer bench drivers` run the large ones): planted effects are found,
/// intervals cover them about as often as they claim, decoys stay under the
/// false discovery rate. Seeded, so each run gives the same numbers.
@Suite("Planted effects: style control and drivers")
struct CovariateStudyTests {
    @Test func styleControlRecoversAPlantedLengthEffect() throws {
        var study = StyleStudy(arenas: 40, contenders: 8, votes: 2000, rounds: 100, seed: 11)
        study.threads = 2
        let result = try study.run()
        print("style study:", result)
        #expect(result.arenas == 40)
        #expect(result.coefficientCoverage >= 0.85)
        #expect(result.ratingCoverage >= 0.88)
        #expect(result.ratingSandwichCoverage >= 0.88)
        #expect(Swift.abs(result.meanCoefficient - study.lengthEffect) < 0.03)
        #expect(result.controlledRatingError < result.plainRatingError)
    }

    @Test func driversFindPlantedEffectsAndSpareDecoys() throws {
        var study = DriverStudy(datasets: 60, votes: 3000, seed: 5)
        study.threads = 2
        let result = try study.run()
        print("drivers study:", result)
        #expect(result.datasets == 60)
        #expect(result.plantedCoverage >= 0.88)
        #expect(result.decoyCoverage >= 0.88)
        #expect(result.falseDiscoveryRate <= 0.1)
        #expect(result.power >= 0.6)
        #expect(result.decoyRawRejections > 0.2, "raw win rates of length-correlated decoys should look significant")
    }
}
