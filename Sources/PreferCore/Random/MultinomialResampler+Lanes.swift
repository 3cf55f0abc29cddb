extension MultinomialResampler {
    /// The draws of `draw(_:into:)` for up to eight rounds — the same numbers,
    /// each round consuming its generator in the same order — written in lane
    /// layout: round r's count at draw position p goes to
    /// `lanes[destination[p]][r]` (lanes beyond `generators.count` get 0).
    /// For `PlackettLuceRounds`, whose passes read eight rounds' counts of a
    /// cell at once.
    func drawLanes(
        _ generators: inout [Xoshiro256],
        destination: UnsafePointer<Int32>,
        into lanes: UnsafeMutablePointer<SIMD8<UInt32>>
    ) {
        drawLanes(&generators, sink: LaneStore(lanes: lanes, destination: destination))
    }

    /// The draws of `drawLanes(_:destination:into:)`, each position's eight
    /// Poisson counts handed to `sink.take` as they are drawn (in position
    /// order), `sink.finish()` called once all are, and the repair's changes
    /// made through `sink.row(lane)`. The sink must keep the counts: the
    /// repair reads them back.
    @inline(__always)
    func drawLanes<Sink: LaneSink>(_ generators: inout [Xoshiro256], sink: Sink) {
        let rounds = generators.count
        precondition(rounds <= 8, "at most eight rounds share a lane")
        let shift = Self.chunkShift
        var total = SIMD8<UInt32>()  // a round draws about `total` < 2³² votes
        var chunkSums = [SIMD8<UInt32>](repeating: SIMD8(), count: chunkCount)
        chunkSums.withUnsafeMutableBufferPointer { chunks in
            let chunk = chunks.baseAddress!
            generators.withUnsafeMutableBufferPointer { rng in
                for group in groups {
                    let table = tables[group.table]
                    if let inversion = inversions[group.table] {
                        // Rounds beyond `rounds` have a zero state: their draws are 0, and so their counts.
                        var lanes8 = Xoshiro256Lanes(rng)
                        var position = group.start
                        while position < group.end {
                            let v = lanes8.next()
                            let x = inversion.sample(SIMD8<UInt32>(truncatingIfNeeded: v), &lanes8)
                            sink.take(x, at: position)
                            chunk[position >> shift] &+= x
                            total &+= x
                            if position + 1 < group.end {
                                let y = inversion.sample(SIMD8<UInt32>(truncatingIfNeeded: v &>> 32), &lanes8)
                                sink.take(y, at: position + 1)
                                chunk[(position + 1) >> shift] &+= y
                                total &+= y
                            }
                            position += 2
                        }
                        lanes8.store(rng)
                    } else {
                        for position in group.start..<group.end {
                            var x = SIMD8<UInt32>()
                            for r in 0..<rounds { x[r] = UInt32(truncatingIfNeeded: table.sample(&rng[r])) }
                            sink.take(x, at: position)
                            chunk[position >> shift] &+= x
                            total &+= x
                        }
                    }
                }
            }
            sink.finish()
            let lanes = UnsafeRawPointer(chunk).assumingMemoryBound(to: UInt32.self)
            for r in 0..<rounds {
                repair(sink.row(r), sum: Int(total[r]), chunkSums: lanes + r, stride: 8, &generators[r])
            }
        }
    }
}

/// One round's counts in lane layout.
struct LaneRow: ResampledRow {
    let lanes: UnsafeMutablePointer<SIMD8<UInt32>>
    let destination: UnsafePointer<Int32>
    let lane: Int

    subscript(position: Int) -> UInt32 {
        get { lanes[Int(destination[position])][lane] }
        nonmutating set { lanes[Int(destination[position])][lane] = newValue }
    }
}

/// Where `drawLanes` puts a block's counts: `take` receives the eight
/// rounds' Poisson counts of one draw position, `finish` is called when
/// every position has been taken, `row(lane)` is one round's counts for the
/// multinomial repair.
protocol LaneSink {
    associatedtype Row: ResampledRow
    func take(_ counts: SIMD8<UInt32>, at position: Int)
    func finish()
    func row(_ lane: Int) -> Row
}

/// Stores the counts in lane layout, `lanes[destination[position]]`.
struct LaneStore: LaneSink {
    let lanes: UnsafeMutablePointer<SIMD8<UInt32>>
    let destination: UnsafePointer<Int32>

    @inline(__always)
    func take(_ counts: SIMD8<UInt32>, at position: Int) {
        lanes[Int(destination[position])] = counts
    }

    func finish() {}

    func row(_ lane: Int) -> LaneRow { LaneRow(lanes: lanes, destination: destination, lane: lane) }
}
