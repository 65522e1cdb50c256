import Foundation

/// One measured figure: its samples and what it should be.
struct Measurement: Codable {
    let name: String
    let samples: [Double]
    let target: String
    let unit: String

    var medianValue: Double { Self.median(samples) }
    var p90: Double { samples.isEmpty ? 0 : samples.sorted()[min(samples.count - 1, Int(Double(samples.count) * 0.9))] }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    var row: String {
        let format = unit == "ms" ? "%.3f" : "%.2f"
        let p90Text = samples.count > 1 ? String(format: format, p90) : ""
        return "| \(name) | \(String(format: format, medianValue)) \(unit) | \(p90Text) | \(samples.count) | \(target) |"
    }

    static func table(_ results: [Measurement]) -> String {
        (["| what | median | p90 | n | target |", "|---|---|---|---|---|"] + results.map(\.row)).joined(separator: "\n")
    }

    static func document(table: String) -> String {
        let host = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map { String($0.split(separator: ":")[1]).trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        return """
            # Performance

            Measured by `./scripts/bench.sh` (release build of `mcp-proxmox-bench`): a real OpenSSH sshd on 127.0.0.1
            started for the run, pve-sim installed as pvesh/qm/pct behind it, the server driven over stdio with raw
            JSON-RPC lines. Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(host).
            Figures move with the machine's load; run the script again to compare.

            \(table)

            Notes:
            - "server overhead" is the median tool call minus the median raw exec of the identical remote command line
              (both under `timeout -k`): MCP decoding, argument checks, routing, quoting, the thread hop to the SSH
              loop and back, JSON parsing of pvesh's output, result encoding and the stdio pipes.
            - Every remote command starts a pve-sim process (a Swift binary that loads the JSON state file under a
              lock), about 11 ms of CPU on this machine; on a real host it is pvesh's Perl start-up (hundreds of ms).
            - Concurrent calls share one SSH connection, at most 8 channels in flight (below sshd's default
              MaxSessions of 10), the rest queued in order.

            ## Against the targets

            Met: spawn → initialize, the trivial MCP round trip (the project's own stdio transport; the SDK's
            StdioTransport adds about 10 ms), RSS flat over 1,000 calls.

            Missed, and why:
            - **Tool-call overhead** (target ≤ 0.5 ms): measured above. The engine itself costs nothing measurable
              (`engine.listNodes` in-process equals the raw exec); the difference is on the MCP side of the server
              process: the SDK's per-request task and JSON decoding/encoding, the structured-content encoding, and
              the thread hops from the stdin reader to the SDK, to the SSH loop thread and back, on a 2-core machine
              that is also running sshd and pve-sim. Not yet optimised.
            - **16 concurrent calls within 1.5× of one**: the concurrency here is bounded by the simulated host, not
              the server: each pve-sim run is CPU work, and this machine has 2 cores, so 16 of them take about
              8× the CPU time of one. Channels in flight are capped at 8, so 16 calls are two waves even on an idle
              host. Raw concurrent channels of `sleep` commands on one session scale as expected (SSH-LAYER.md: 1 vs
              16 parallel `sleep 0.2` = 204 vs 221 ms).
            - **RSS ≤ 30 MB idle**: about 32 MB. The MCP SDK with Foundation starts near 26 MB; the rest is the
              server's own code and data (tool catalog, simulator, argument parser). Flat after 1,000 calls.
            - **tools/list ≤ 30 KB** (a target of the MCP issue, reported here): 29 tools with full schemas; shared
              definitions are not yet factored out.

            """
    }
}

extension Duration {
    var ms: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

func timed(_ body: () async throws -> Void) async throws -> Double {
    let start = ContinuousClock.now
    try await body()
    return (ContinuousClock.now - start).ms
}

func repeated(_ count: Int, _ body: () async throws -> Void) async throws -> [Double] {
    var samples: [Double] = []
    for _ in 0..<count { samples.append(try await timed(body)) }
    return samples
}
