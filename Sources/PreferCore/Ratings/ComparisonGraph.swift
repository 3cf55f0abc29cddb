/// Which contenders the votes connect, and whether maximum likelihood can
/// separate them.
///
/// Two graphs over the contenders: the undirected *comparison* graph (an edge
/// wherever a pair has a vote) and the directed *scoring* graph (an edge i → j
/// wherever i won or tied at least once against j). Ratings are comparable
/// only within a connected component of the first; within a component, the
/// Bradley–Terry MLE is finite exactly when the second is strongly connected
/// (Zermelo 1929; Ford 1957; Hunter 2004, Assumption 1). Components by
/// union–find, strong components by Tarjan's algorithm: O(n + pairs).
public struct ComparisonGraph: Sendable {
    /// Connected component per contender; contenders without votes get their own.
    public let component: [Int]
    public let componentCount: Int
    /// Strongly connected component of the scoring graph, per contender.
    public let strongComponent: [Int]
    /// Whether each connected component's scoring graph is strongly connected.
    public let separable: [Bool]

    public init(_ counts: PairCounts) {
        let n = counts.contenderCount
        var links: [(Int32, Int32)] = []
        var outEdges = [[Int32]](repeating: [], count: n)
        for p in 0..<counts.pairCount where counts.total(p) > 0 {
            let i = counts.first[p]
            let j = counts.second[p]
            links.append((i, j))
            let s = counts.score(p)
            if s > 0 { outEdges[Int(i)].append(j) }
            if counts.total(p) - s > 0 { outEdges[Int(j)].append(i) }
        }
        self.init(contenderCount: n, links: links, scoring: outEdges)
    }

    /// The graphs given by `links` (pairs that met, for the components) and
    /// `scoring` (i → j wherever i scored against j at least once).
    init(contenderCount n: Int, links: [(Int32, Int32)], scoring outEdges: [[Int32]]) {
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for (i, j) in links {
            let ri = find(Int(i))
            let rj = find(Int(j))
            if ri != rj { parent[max(ri, rj)] = min(ri, rj) }
        }
        // Number components in order of their first contender.
        var label = [Int](repeating: -1, count: n)
        var comp = [Int](repeating: 0, count: n)
        var next = 0
        for x in 0..<n {
            let r = find(x)
            if label[r] < 0 {
                label[r] = next
                next += 1
            }
            comp[x] = label[r]
        }
        component = comp
        componentCount = next

        let scc = Self.tarjan(outEdges)
        strongComponent = scc
        var firstStrong = [Int](repeating: -1, count: next)
        var ok = [Bool](repeating: true, count: next)
        for x in 0..<n {
            let c = comp[x]
            if firstStrong[c] < 0 {
                firstStrong[c] = scc[x]
            } else if firstStrong[c] != scc[x] {
                ok[c] = false
            }
        }
        separable = ok
    }

    /// Contenders of component `c`, in index order.
    public func members(of c: Int) -> [Int] {
        component.indices.filter { component[$0] == c }
    }

    /// Iterative Tarjan: strongly connected component label per vertex.
    static func tarjan(_ edges: [[Int32]]) -> [Int] {
        let n = edges.count
        var index = [Int](repeating: -1, count: n)
        var low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int] = []
        var label = [Int](repeating: -1, count: n)
        var counter = 0
        var labels = 0
        var call: [(v: Int, edge: Int)] = []
        for root in 0..<n where index[root] < 0 {
            call.append((root, 0))
            index[root] = counter
            low[root] = counter
            counter += 1
            stack.append(root)
            onStack[root] = true
            while let frame = call.last {
                let v = frame.v
                if frame.edge < edges[v].count {
                    call[call.count - 1].edge += 1
                    let w = Int(edges[v][frame.edge])
                    if index[w] < 0 {
                        index[w] = counter
                        low[w] = counter
                        counter += 1
                        stack.append(w)
                        onStack[w] = true
                        call.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                } else {
                    call.removeLast()
                    if let parent = call.last?.v { low[parent] = min(low[parent], low[v]) }
                    if low[v] == index[v] {
                        while true {
                            let w = stack.removeLast()
                            onStack[w] = false
                            label[w] = labels
                            if w == v { break }
                        }
                        labels += 1
                    }
                }
            }
        }
        return label
    }
}
