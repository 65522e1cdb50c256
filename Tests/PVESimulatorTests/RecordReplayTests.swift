import Foundation
import ProxmoxCore
import PVESimulator
import Testing

@Suite struct RecordReplayTests {
    @Test func recordsRedactsAndReplays() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recording-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = try RecordingRunner(recording: SimulatedRunner(), into: directory, secrets: ["hunter2-token"],
                                           source: "test")
        let nodes = Command(["pvesh", "get", "/nodes", "--output-format", "json"], isReadOnly: true)
        let create = Command(["pct", "create", "320", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                              "--hostname", "hunter2-token", "--password", "very-secret-1"], isReadOnly: false)
        let recordedNodes = try await recorder.run(nodes)
        let recordedCreate = try await recorder.run(create)
        #expect(recordedCreate.exitStatus == 0)

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["0001-pvesh-get-nodes.json", "0002-pct-create-320.json"])
        let text = try String(contentsOf: directory.appendingPathComponent(files[1]), encoding: .utf8)
        #expect(!text.contains("very-secret-1") && !text.contains("hunter2-token"))
        let recording = try JSONDecoder().decode(Recording.self, from: Data(text.utf8))
        #expect(recording.argv == ["pct", "create", "320", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                                   "--hostname", "<redacted>", "--password", "<redacted>"])

        let replay = try ReplayRunner(directory: directory)
        let replayedNodes = try await replay.run(nodes)
        #expect(replayedNodes.stdout == recordedNodes.stdout && replayedNodes.exitStatus == 0)
        // The same secret-bearing command replays too: its argv is redacted the same way.
        let replayedCreate = try await replay.run(Command(
            ["pct", "create", "320", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "--hostname", "<redacted>",
             "--password", "another-secret"], isReadOnly: false))
        #expect(replayedCreate.stdout == recordedCreate.stdout)
        await #expect(throws: ProxmoxError.transport(
            "replay: `qm start 100` was not recorded in \(directory.path)")) {
            try await replay.run(Command(["qm", "start", "100"], isReadOnly: false))
        }
    }

    @Test func redactionOfOptionSpellings() {
        #expect(Redaction.redact(["pvesh", "create", "/nodes/pve1/lxc", "--password=abc12345", "-cipassword", "x", "--ssh-public-keys", "ssh-ed25519 AAA"])
            == ["pvesh", "create", "/nodes/pve1/lxc", "--password=<redacted>", "-cipassword", "<redacted>", "--ssh-public-keys", "<redacted>"])
    }
}
