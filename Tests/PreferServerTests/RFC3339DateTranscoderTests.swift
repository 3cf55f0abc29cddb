import Foundation
import PreferCore
@testable import PreferServer
import Testing

/// The API's date writer against Foundation's ISO 8601 formatter, which the
/// generated handlers used before: the same text for every date since the
/// Gregorian calendar began (15 October 1582). Before it, the formatter
/// switches to the Julian calendar, while RFC 3339 (and Python's `datetime`)
/// count in the proleptic Gregorian one, as the writer does.
@Suite("RFC 3339 dates")
struct RFC3339DateTranscoderTests {
    let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    @Test func edgesOfDaysYearsAndLeapYears() {
        let dates: [Double] = [
            0, -1, -0.5, 0.999, 0.9995, 0.99949, -0.0004, -0.0006, 1_234_567.99949999, 86_399.999, 86_400, 951_782_400, 951_868_800,  // 2000-02-29 and 03-01
            -2_203_891_200, -2_208_988_800, 1_795_991_343.694, 253_402_300_799,  // 1900-03-01, 1900-01-01, 9999-12-31
            4_107_542_400,  // 2100-03-01 (2100 is no leap year)
        ]
        for seconds in dates {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC3339DateTranscoder.format(date) == formatter.string(from: date), "\(seconds)")
        }
    }

    @Test func beforeTheGregorianCalendarTheProlepticOne() {
        // datetime.datetime(1, 1, 1, tzinfo=timezone.utc).timestamp() and (1582, 10, 4).
        #expect(RFC3339DateTranscoder.format(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00Z")
        #expect(RFC3339DateTranscoder.format(Date(timeIntervalSince1970: -12_220_243_200)) == "1582-10-04T00:00:00Z")
    }

    @Test func randomDatesFrom1583To9999() {
        var random = Xoshiro256(seed: 20_261_129)
        for _ in 0..<20_000 {
            let seconds = Double.random(in: -12_212_553_600...253_402_300_799, using: &random)
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC3339DateTranscoder.format(date) == formatter.string(from: date), "\(seconds)")
        }
    }

    @Test func readsWhatItWrites() throws {
        let transcoder = RFC3339DateTranscoder()
        let date = Date(timeIntervalSince1970: 1_795_991_343)
        #expect(try transcoder.decode(transcoder.encode(date)) == date)
        #expect(throws: (any Error).self) { try transcoder.decode("yesterday") }
    }
}
