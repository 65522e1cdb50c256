import Foundation
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import Testing
import TestSupport

/// libssh2 against a real OpenSSH sshd on 127.0.0.1.
@Suite struct SSHConnectionTests {
    @Test func execSeparatesStdoutStderrAndExitStatus() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        let result = try await connection.execute("echo out; echo err >&2; printf tail; exit 3", timeout: .seconds(10))
        #expect(String(decoding: result.stdout, as: UTF8.self) == "out\ntail")
        #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
        #expect(result.exitStatus == 3)
        #expect(result.exitSignal == nil)
        let killed = try await connection.execute("kill -TERM $$", timeout: .seconds(10))
        #expect(killed.exitSignal == "TERM")
        #expect(killed.exitStatus == 143)
        let large = try await connection.execute("head -c 3000000 /dev/zero", timeout: .seconds(20))
        #expect(large.stdout.count == 3_000_000)
        #expect(large.stdout.allSatisfy { $0 == 0 })
    }

    @Test func oneSessionCarriesManyCommandsAlsoConcurrently() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        // $SSH_CONNECTION names the client's TCP port: the same value means the same TCP connection.
        var seen = Set<String>()
        for _ in 0..<10 {
            let result = try await connection.execute("echo $SSH_CONNECTION", timeout: .seconds(10))
            seen.insert(String(decoding: result.stdout, as: UTF8.self))
        }
        // 20 at once: more than the 8 channels in flight, so some wait in the queue.
        let concurrent = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let result = try await connection.execute("sleep 0.2; echo $SSH_CONNECTION", timeout: .seconds(20))
                    #expect(result.exitStatus == 0, "command \(index)")
                    return String(decoding: result.stdout, as: UTF8.self)
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(concurrent.count == 20)
        seen.formUnion(concurrent)
        #expect(seen.count == 1)
        #expect(seen.first?.hasPrefix("127.0.0.1 ") == true)
    }

    @Test func aConnectionStartsWithItsFirstCommandAndAnUnusedOneClosesAtOnce() async throws {
        let fixture = try SSHFixture()
        let unused = fixture.connection()
        #expect(!unused.hasStarted)
        // Closing one that never ran has no thread to wait for (the wait would last its 5 s timeout).
        let started = ContinuousClock.now
        unused.close()
        #expect(ContinuousClock.now - started < .seconds(4))
        await #expect(throws: SSHError.closed) {
            try await unused.execute("true", timeout: .seconds(5))
        }
        #expect(!unused.hasStarted)
        let used = fixture.connection()
        #expect(!used.hasStarted)
        let result = try await used.execute("echo up", timeout: .seconds(10))
        #expect(result.stdout == Array("up\n".utf8))
        #expect(used.hasStarted)
        used.close()
        await #expect(throws: SSHError.closed) {
            try await used.execute("true", timeout: .seconds(5))
        }
    }

    /// sshd refuses a channel beyond its `MaxSessions` (and, on a busy host, a moment after one
    /// closed): such a command waits for a channel to end instead of failing; a host that refuses
    /// every session fails the command at once.
    @Test func aHostWithFewerSessionsThanChannelsRunsEveryCommand() async throws {
        let fixture = try SSHFixture(maxSessions: 3)
        let connection = fixture.connection()
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<12 {
                group.addTask {
                    let result = try await connection.execute("sleep 0.2; echo \(index)", timeout: .seconds(30))
                    #expect(result.exitStatus == 0)
                    return String(decoding: result.stdout, as: UTF8.self)
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(outputs == Set((0..<12).map { "\($0)\n" }))
        let closed = try SSHFixture(maxSessions: 0)
        await #expect(throws: SSHError.self) {
            try await closed.connection().execute("true", timeout: .seconds(10))
        }
    }

    @Test func deadlineEndsTheWaitAndTheConnectionLivesOn() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        await #expect(throws: SSHError.timedOut(seconds: 0.3)) {
            try await connection.execute("sleep 3", timeout: .milliseconds(300))
        }
        let after = try await connection.execute("echo alive", timeout: .seconds(10))
        #expect(after.stdout == Array("alive\n".utf8))
    }

    @Test func unknownHostKeyIsRefusedWithItsFingerprintAndLine() async throws {
        let fixture = try SSHFixture()
        let emptyKnownHosts = try fixture.server.writeFile("empty_known_hosts", "")
        let expected = try fixture.server.fingerprint(ofPublicKey: fixture.server.hostKeyPublicPaths[0])
        let publicKey = try String(contentsOfFile: fixture.server.hostKeyPublicPaths[0], encoding: .utf8)
            .split(separator: " ")
        let line = "[127.0.0.1]:\(fixture.server.port) ssh-ed25519 \(publicKey[1])"
        for knownHosts in [emptyKnownHosts, fixture.server.directory.appendingPathComponent("absent").path] {
            await #expect(throws: SSHError.unknownHostKey(
                endpoint: "\(fixture.server.user)@127.0.0.1:\(fixture.server.port)",
                fingerprint: "ssh-ed25519 \(expected)", knownHostsPath: knownHosts, knownHostsLine: line)) {
                try await fixture.connection(knownHosts: knownHosts).execute("true", timeout: .seconds(10))
            }
        }
    }

    @Test func changedHostKeyIsRefused() async throws {
        let fixture = try SSHFixture()
        let impostor = try fixture.server.generateKey("other_host_key")
        let fields = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
        let knownHosts = try fixture.server.writeFile(
            "changed_known_hosts", "[127.0.0.1]:\(fixture.server.port) \(fields[0]) \(fields[1])\n")
        let offered = try fixture.server.fingerprint(ofPublicKey: fixture.server.hostKeyPublicPaths[0])
        let expected = try fixture.server.fingerprint(ofPublicKey: impostor + ".pub")
        await #expect(throws: SSHError.hostKeyMismatch(
            endpoint: "\(fixture.server.user)@127.0.0.1:\(fixture.server.port)",
            expected: "ssh-ed25519 \(expected)", offered: "ssh-ed25519 \(offered)", knownHostsPath: knownHosts)) {
            try await fixture.connection(knownHosts: knownHosts).execute("true", timeout: .seconds(10))
        }
    }

    @Test func hashedKnownHostsEntriesAreUnderstood() async throws {
        let fixture = try SSHFixture()
        let hashed = try fixture.server.writeFile("hashed_known_hosts",
                                                  try String(contentsOfFile: fixture.server.knownHostsPath, encoding: .utf8))
        try Subprocess.run("/usr/bin/ssh-keygen", ["-H", "-f", hashed])
        #expect(try String(contentsOfFile: hashed, encoding: .utf8).hasPrefix("|1|"))
        let result = try await fixture.connection(knownHosts: hashed).execute("echo ok", timeout: .seconds(10))
        #expect(result.stdout == Array("ok\n".utf8))
    }

    @Test func unauthorisedKeyIsRefused() async throws {
        let fixture = try SSHFixture()
        let stranger = try fixture.server.generateKey("stranger")
        do {
            _ = try await fixture.connection(key: stranger).execute("true", timeout: .seconds(10))
            Issue.record("login with an unauthorised key succeeded")
        } catch let SSHError.authenticationFailed(endpoint, reason) {
            #expect(endpoint == "\(fixture.server.user)@127.0.0.1:\(fixture.server.port)")
            #expect(reason == "tried key \(stranger): refused by the server: is its public key in ~\(fixture.server.user)/.ssh/authorized_keys?")
        }
    }

    @Test func closedPortFailsToConnect() async throws {
        // A port held bound but not listening refuses connections, and no other test can take it
        // meanwhile: a just-stopped sshd's port could be handed to a test running in parallel.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(holder >= 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) == 0 && getsockname(holder, $0, &length) == 0 }
        }
        #expect(bound)
        let fixture = try SSHFixture()
        let endpoint = fixture.endpoint()
        let closed = SSHEndpoint(host: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)), user: endpoint.user,
                                 privateKeyPath: endpoint.privateKeyPath, knownHostsPath: endpoint.knownHostsPath, connectTimeout: .seconds(5))
        do {
            _ = try await SSHConnection(endpoint: closed).execute("true", timeout: .seconds(10))
            Issue.record("connected to a stopped sshd")
        } catch let SSHError.connectFailed(_, reason) {
            #expect(reason == "Connection refused")
        }
    }
}
