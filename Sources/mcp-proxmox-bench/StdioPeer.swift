import Foundation
import TestSupport

/// The server as a child process, spoken to with raw JSON-RPC lines (no client library in the
/// measurement): blocking writes and reads on its pipes.
final class StdioPeer {
    let pid: pid_t
    private let input: Int32
    private let output: Int32
    private var buffer: [UInt8] = []

    init(binary: String, arguments: [String], environment: [String: String]) throws {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw TestSetupError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for descriptor in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, descriptor) }
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        guard posix_spawn(&child, binary, &actions, nil, argv, envp) == 0 else { throw TestSetupError("cannot start \(binary)") }
        pid = child
        Glibc.close(toChild[0])
        Glibc.close(fromChild[1])
        input = toChild[1]
        output = fromChild[0]
    }

    func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            guard written > 0 else { throw TestSetupError("write to server failed") }
            offset += written
        }
    }

    func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = read(output, &chunk, chunk.count)
            guard count > 0 else { throw TestSetupError("server closed its output") }
            buffer += chunk[0..<count]
        }
    }

    func request(_ id: Int, _ method: String, _ params: String) throws -> String {
        try send(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#)
        return try readLine()
    }

    func initialize() throws -> String {
        let answer = try request(1, "initialize", #"{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}"#)
        try send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        return answer
    }

    func call(_ id: Int, _ params: String) throws -> String {
        let answer = try request(id, "tools/call", params)
        guard answer.contains(#""isError":false"#) else { throw TestSetupError("tool call failed: \(answer.prefix(300))") }
        return answer
    }

    /// Sends all requests at once and waits for every answer; returns the wall time in ms.
    func concurrent(_ ids: [Int], _ params: String) throws -> Double {
        let start = ContinuousClock.now
        for id in ids { try send(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":\#(params)}"#) }
        for _ in ids { _ = try readLine() }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    /// Resident set size in KiB (VmRSS).
    func rssKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? 0
    }

    func close() {
        Glibc.close(input)
        Glibc.close(output)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
