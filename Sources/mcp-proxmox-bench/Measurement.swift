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
        return "| \(name) | \(String(format: format, medianValue)) \(unit) | \(p90Text) | \(samples.count) | \(target) | \(verdict) |"
    }

    /// `met` or `missed` for `≤ N` targets, from the median.
    var verdict: String {
        guard target.hasPrefix("≤ "), let limit = Double(target.dropFirst(2).prefix { $0.isNumber || $0 == "." }) else { return "" }
        return medianValue <= limit ? "met" : "missed"
    }

    static func table(_ results: [Measurement]) -> String {
        (["| what | median | p90 | n | target | |", "|---|---|---|---|---|---|"] + results.map(\.row)).joined(separator: "\n")
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

            ## On the targets

            - **Tool-call overhead** (≤ 0.5 ms): the engine costs nothing measurable (`engine.listNodes` in-process
              equals the raw exec); what remains is the MCP side of the server process: the SDK's per-request task
              and JSON, structured-content encoding, and thread hops from the stdin reader to the SDK, to the SSH
              loop thread and back. Measured paired (a raw exec and a tool call back to back) it is about 1.5 ms on
              this 2-core machine, also busy with sshd and pve-sim. Profiled with `perf` on `serve --simulator`:
              the largest cost was MCP `Value`'s Decodable, which compiles and runs a regular expression on every
              string it decodes (data-URL detection in swift-sdk 0.12.1); structured results no longer go through
              it (about 0.2 ms saved per call), but the SDK still does it for every string in a request's arguments.
            - **16 concurrent calls within 1.5× of one**: missed here, because the simulated host is CPU-bound: each
              pve-sim run is about 11 ms of CPU and this machine has 2 cores, so 16 of them need about 8× the CPU of
              one. Channels in flight are also capped at 8 (below sshd's MaxSessions of 10), so 16 calls are two
              waves. Concurrent channels of waiting commands on one session do overlap (SSH-LAYER.md: 1 vs 16
              parallel `sleep 0.2` = 204 vs 221 ms).
              Under the host-cost model (`PVE_SIM_STARTUP_MS`, each Proxmox tool start waits 300 ms without CPU, as a real
              host's Perl start is felt) the CPU is out of the way and the channel cap shows alone: 8 concurrent calls take
              about one call's time, 16 and 32 take two and four waves of 8. Reaching the targets needs more than one
              connection per host (issue 16).
            - **RSS ≤ 30 MB idle**: missed by the dynamic build (about 33-34 MB), met by the static build that
              `scripts/release.sh` ships (about 29 MB, same run): Foundation, the Swift runtime and FoundationNetworking
              linked in touch fewer pages than the shared libraries. The MCP SDK with Foundation starts near 26 MB; the
              rest is the server's own code and data (tool catalog, simulator, argument parser). Flat over 1,000 calls.
            - **tools/list**: the contracts issue's budgets (core ≤ 45,000 bytes, ≤ 1,600 bytes per tool) and the API
              issue's (the three `proxmox_api_*` tools ≤ 4,000 bytes) are missed: every argument and every result field
              carries its own description and every tool a complete output schema, and the budgets are not met by
              dropping meaning. `mcp-proxmox-admin tools --sizes` prints the same figures without a benchmark run.
            - **The host guard** (`command=` in `authorized_keys`, docs/setup.md) starts for every command of a
              guarded key. Its own cost is the "host guard" rows: the separate `mcp-proxmox-guard` executable and the
              `mcp-proxmox-admin guard` subcommand (the same check; the latter also loads the MCP server's code), each
              checking a `qm migrate` line in full against the shapes derived from the builders and the API schema
              (decompressing and reading the embedded 9.1 schema is most of it) and then refusing it by a read-only
              policy, so nothing else runs. A refusal of shell syntax reads no schema. The "through the guard" row is
              the whole exec through sshd, guard and pve-sim, against the open key's row above it. On a real host this
              is added once per command, next to the Perl start of pvesh/qm/pct (the host-cost model's 300 ms).
            - **spawn → initialize ≤ 20 ms** and **MCP round trip ≤ 0.3 ms**: the round trip is met (the project's own
              stdio transport; the SDK's StdioTransport adds about 10 ms). Spawn → initialize is measured for both builds
              alternately in the same run; the static build starts faster (no dynamic Swift libraries to load and
              relocate), and both move with the machine's load (20-30 ms dynamic on this busy machine).
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
