import Foundation
import MCP
import PVESimulator
import Synchronization
import Testing
import TestSupport

/// 10,000 mixed calls (reads, changes, bad arguments, refusals, damaged output, sshd killed and
/// restarted underneath) through the built server over a real sshd: descriptors, threads and
/// memory come back to where they were.
@Suite struct ReliabilityLeakTests {
    struct Usage: CustomStringConvertible {
        var descriptors: Int
        var threads: Int
        var rssKiB: Int
        var description: String { "\(descriptors) fds, \(threads) threads, \(rssKiB / 1024) MiB" }

        static func of(_ pid: Int32) -> Usage {
            let descriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            func field(_ name: String) -> Int {
                let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
                return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
            }
            return Usage(descriptors: descriptors, threads: field("Threads"), rssKiB: field("VmRSS"))
        }
    }

    /// Call `number` of the mix.
    static func call(_ number: Int) -> (String, [String: Value]) {
        switch number % 10 {
        case 0, 1, 2: return ("proxmox_node_list", [:])
        case 3: return ("proxmox_vm_list", ["node": "pve1"])
        case 4: return ("proxmox_cluster_status", [:])
        case 5: return ("proxmox_vm_config", ["vmid": 101, "set": ["description": .string("leak check \(number)")]])
        case 6: return ("proxmox_vm_start", ["vmid": "not a number"])
        case 7: return ("proxmox_node_status", ["node": "pve2"])  // damaged output: garbage
        case 8: return ("proxmox_vm_delete", ["vmid": 102])  // refused: no confirm
        default: return ("proxmox_storage_content", ["storage": "local", "node": "-x"])
        }
    }

    /// Outcome counts, shared by the lanes.
    final class Outcomes: Sendable {
        let counts = Mutex<[String: Int]>([:])
        func add(_ reason: String) { counts.withLock { $0[reason, default: 0] += 1 } }
    }

    /// Runs the calls numbered in `range`, `width` at a time.
    static func run(_ range: Range<Int>, on server: ServerProcess, into outcomes: Outcomes, width: Int = 8) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<width {
                group.addTask {
                    for number in stride(from: range.lowerBound + lane, to: range.upperBound, by: width) {
                        let (tool, arguments) = Self.call(number)
                        let result = try await server.call(tool, arguments)
                        outcomes.add(result.isError == true
                            ? result.errorDetails["reason"]?.stringValue ?? "?" : "ok")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func tenThousandMixedCallsLeaveNothingBehind() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { $0.faults.damagedOutput["pvesh get /nodes/pve2/status"] = "garbage" }
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment,
                                       workingDirectory: fixture.server.directory.path)
        _ = try await server.connect()
        let pid = server.process.processIdentifier
        let errors = Outcomes()
        try await Self.run(0..<500, on: server, into: errors)
        try await Task.sleep(for: .seconds(1))
        let baseline = Usage.of(pid)
        let total = 10_000
        for quarter in 0..<4 {
            let start = 500 + quarter * total / 4
            async let calls: Void = Self.run(start..<(start + total / 4), on: server, into: errors)
            // Halfway through each quarter the host goes away and comes back.
            try await Task.sleep(for: .seconds(1))
            fixture.server.killAll()
            try fixture.server.restart()
            try await calls
        }
        try await Task.sleep(for: .seconds(2))
        let after = Usage.of(pid)
        let outcomes = errors.counts.withLock { $0 }
        #expect(outcomes.values.reduce(0, +) == total + 500)
        #expect(after.descriptors <= baseline.descriptors + 1, "\(baseline) → \(after)")
        #expect(after.threads <= baseline.threads + 2, "\(baseline) → \(after)")
        #expect(after.rssKiB <= baseline.rssKiB + 12 * 1024, "\(baseline) → \(after)")
        #expect((outcomes["ok"] ?? 0) > 5_000)
        let finished = await server.finish()
        #expect(finished.status == 0)
        let test = "tenThousandMixedCallsLeaveNothingBehind"
        ReliabilityReport.record("Leaks", "calls (8 at a time; reads, changes, bad arguments, refusals, damaged output; sshd killed 4 times)", total, test: test)
        ReliabilityReport.record("Leaks", "outcomes", outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "), test: test)
        ReliabilityReport.record("Leaks", "server after 500 warm-up calls", baseline, test: test)
        ReliabilityReport.record("Leaks", "server after 10,000 more, idle 2 s", after, test: test)
    }
}
