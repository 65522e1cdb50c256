import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Synchronization
import Testing
import TestSupport

/// The protocol features beyond tools, through the swift-sdk client over stdio, the built server,
/// libssh2 and a real sshd with the simulator behind it.
@Suite struct MCPNativeTests {
    func start(_ fixture: SSHFixture, extra: [String: String] = [:], capabilities: Client.Capabilities = .init(),
               prepare: (Client) async -> Void = { _ in }) async throws -> ServerProcess {
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment.merging(extra) { $1 },
                                       workingDirectory: fixture.server.directory.path, capabilities: capabilities)
        await prepare(server.client)
        _ = try await server.connect()
        return server
    }

    /// What the tools of the original design tell the client about themselves (a contract: read-only,
    /// destructive, idempotent, open world), and of some later ones. Every other tool is checked
    /// against its declaration in the catalog.
    static let annotations: [String: (Bool, Bool, Bool, Bool)] = [
        "proxmox_vm_list": (true, false, true, false), "proxmox_ct_list": (true, false, true, false),
        "proxmox_vm_start": (false, false, false, false), "proxmox_ct_start": (false, false, false, false),
        "proxmox_vm_stop": (false, true, false, false), "proxmox_ct_stop": (false, true, false, false),
        "proxmox_vm_restart": (false, false, false, false), "proxmox_ct_restart": (false, false, false, false),
        "proxmox_vm_shutdown": (false, false, false, false),
        "proxmox_vm_create": (false, false, false, false), "proxmox_ct_create": (false, false, false, false),
        "proxmox_vm_delete": (false, true, false, false), "proxmox_ct_delete": (false, true, false, false),
        "proxmox_vm_clone": (false, false, false, false), "proxmox_ct_clone": (false, false, false, false),
        "proxmox_vm_snapshot_create": (false, false, false, false), "proxmox_ct_snapshot_create": (false, false, false, false),
        "proxmox_vm_snapshot_list": (true, false, true, false), "proxmox_ct_snapshot_list": (true, false, true, false),
        "proxmox_vm_snapshot_restore": (false, true, false, false), "proxmox_ct_snapshot_restore": (false, true, false, false),
        "proxmox_vm_snapshot_delete": (false, true, false, false), "proxmox_ct_snapshot_delete": (false, true, false, false),
        "proxmox_vm_config": (false, false, true, false), "proxmox_ct_config": (false, false, true, false),
        "proxmox_vm_config_get": (true, false, true, false), "proxmox_ct_config_get": (true, false, true, false),
        "proxmox_task_status": (true, false, true, false),
        "proxmox_toolset_list": (true, false, true, false), "proxmox_toolset_enable": (true, false, true, false),
        "proxmox_node_list": (true, false, true, false), "proxmox_node_status": (true, false, true, false),
        "proxmox_cluster_status": (true, false, true, false), "proxmox_storage_list": (true, false, true, false),
        "proxmox_storage_content": (true, false, true, false),
    ]

    @Test func everyToolHasATitleAnnotationsAndAnOutputSchemaInACompactList() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture, extra: ["PROXMOX_TOOLSETS": "all", "PROXMOX_DYNAMIC_TOOLSETS": "true",
                                                      "PROXMOX_ALLOW_API_WRITES": "true", "PROXMOX_GUEST_EXEC": "df"])
        let tools = try await server.client.listTools().tools
        #expect(Set(tools.map(\.name)) == Set(ToolCatalog.all.map(\.name)))
        #expect(Set(Self.annotations.keys).isSubset(of: Set(tools.map(\.name))))
        for tool in tools {
            let hints = tool.annotations
            let actual = (hints.readOnlyHint, hints.destructiveHint, hints.idempotentHint, hints.openWorldHint)
            let declared = try #require(ToolCatalog.all.first { $0.name == tool.name }).annotations
            let expected = Self.annotations[tool.name]
                ?? (declared.readOnlyHint ?? false, declared.destructiveHint ?? true, declared.idempotentHint ?? false, declared.openWorldHint ?? true)
            #expect(actual.0 == expected.0 && actual.1 == expected.1 && actual.2 == expected.2 && actual.3 == expected.3, "\(tool.name)")
            #expect(tool.title?.isEmpty == false, "\(tool.name)")
            #expect(tool.outputSchema?.objectValue?["type"] == "object", "\(tool.name)")
        }
        // Its size is a benchmark figure (`mcp-proxmox-bench`, `tools --sizes`), not a test.
        _ = await server.finish()
    }

    @Test func resourcesListReadAndTemplates() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let (resources, _) = try await server.client.listResources()
        #expect(resources.map(\.uri) == ["proxmox://cluster/status", "proxmox://nodes", "proxmox://guests"])
        let (templates, _) = try await server.client.listResourceTemplates()
        #expect(templates.map(\.uriTemplate) == ["proxmox://nodes/{node}/status", "proxmox://guests/{vmid}/config",
                                                 "proxmox://guests/{vmid}/snapshots", "proxmox://nodes/{node}/storage/{storage}/content"])
        func json(_ uri: String) async throws -> JSONValue {
            let contents = try await server.client.readResource(uri: uri)
            #expect(contents.count == 1 && contents[0].uri == uri && contents[0].mimeType == "application/json")
            return try JSONValue.parse(Array((contents[0].text ?? "").utf8))
        }
        #expect(try await json("proxmox://cluster/status")["quorate"] == .bool(true))
        #expect(try await json("proxmox://nodes")["nodes"]?.arrayValue?.compactMap { $0["node"]?.stringValue } == ["pve1", "pve2", "pve3"])
        let guests = try await json("proxmox://guests")["guests"]?.arrayValue?.compactMap { $0["vmid"]?.intValue }
        #expect(guests == [100, 101, 102, 103, 104, 200, 201, 202, 203, 9000, 9001], "\(String(describing: guests))")
        #expect(try await json("proxmox://nodes/pve2/status")["node"] == "pve2")
        let config = try await json("proxmox://guests/102/config")
        #expect(config["node"] == "pve2" && config["type"] == "qemu" && config["config"]?["name"] == "win-test")
        #expect(config["digest"]?.stringValue?.count == 40)
        let snapshots = try await json("proxmox://guests/203/snapshots")
        #expect(snapshots["type"] == "lxc" && snapshots["snapshots"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["base", "current"])
        let content = try await json("proxmox://nodes/pve1/storage/local/content")
        #expect(content["volumes"]?.arrayValue?.contains { $0["volid"] == "local:iso/debian-12.8.0-amd64-netinst.iso" } == true)
        // Unknown or malformed URIs are the client's mistake, said in one line.
        for (uri, message) in [("proxmox://guests/77/config", "proxmox://guests/77/config: invalid vmid: '77' is not a VM id (100-999999999)"),
                               ("proxmox://guests/555/config", "proxmox://guests/555/config: guest 555 does not exist"),
                               ("proxmox://nope", "unknown resource 'proxmox://nope'; see resources/list and resources/templates/list")] {
            await #expect(throws: MCPError.invalidParams(message)) { _ = try await server.client.readResource(uri: uri) }
        }
        _ = await server.finish()
    }

    @Test func promptsListAndGet() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let (prompts, _) = try await server.client.listPrompts()
        #expect(prompts.map(\.name) == ["cluster_health_check", "safe_change", "capacity_review", "snapshot_restore_review"])
        let safe = try await server.client.getPrompt(name: "safe_change", arguments: ["vmid": "101", "change": "give it 8 GiB of memory"])
        guard case let .text(text)? = safe.messages.first?.content else { Issue.record("no text"); return }
        #expect(text.hasPrefix("Make this change to guest 101 safely: give it 8 GiB of memory\n1. Read its state"))
        #expect(text.contains("Take a snapshot named pre-change-"))
        #expect(text.contains("restore the snapshot with the snapshot_restore tool"))
        #expect(text.contains("cannot take snapshots") && text.contains("take a backup instead with proxmox_backup_create"))
        let health = try await server.client.getPrompt(name: "cluster_health_check")
        guard case let .text(check)? = health.messages.first?.content else { Issue.record("no text"); return }
        #expect(check.contains("proxmox_cluster_status") && check.contains("change nothing"))
        await #expect(throws: MCPError.invalidParams("prompt safe_change needs 'change'")) {
            _ = try await server.client.getPrompt(name: "safe_change", arguments: ["vmid": "101"])
        }
        await #expect(throws: MCPError.invalidParams("prompt safe_change: vmid '1; rm -rf /' is not a guest id (100-999999999)")) {
            _ = try await server.client.getPrompt(name: "safe_change", arguments: ["vmid": "1; rm -rf /", "change": "x"])
        }
        _ = await server.finish()
    }

    @Test func completionsComeFromTheLiveCluster() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let client = server.client
        #expect(try await client.complete(resourceURI: "proxmox://nodes/{node}/status", argumentName: "node", argumentValue: "").values
                == ["pve1", "pve2", "pve3"])
        #expect(try await client.complete(resourceURI: "proxmox://nodes/{node}/status", argumentName: "node", argumentValue: "PVE2").values == ["pve2"])
        #expect(try await client.complete(resourceURI: "proxmox://guests/{vmid}/config", argumentName: "vmid", argumentValue: "10").values
                == ["100", "101", "102", "103", "104"])
        // By name: "db" finds db01's id.
        #expect(try await client.complete(promptName: "safe_change", argumentName: "vmid", argumentValue: "db").values == ["101"])
        #expect(try await client.complete(resourceURI: "proxmox://nodes/{node}/storage/{storage}/content", argumentName: "storage",
                                          argumentValue: "l", context: ["node": "pve1"]).values == ["local", "local-lvm"])
        #expect(try await client.complete(promptName: "snapshot_restore_review", argumentName: "snapshot", argumentValue: "",
                                          context: ["vmid": "203"]).values == ["base"])
        // Live: a new snapshot shows once the brief cache has passed.
        _ = try await server.call("proxmox_ct_snapshot_create", ["vmid": 203, "snapshot": "fresh1"])
        try await Task.sleep(for: .seconds(5.2))
        #expect(try await client.complete(promptName: "snapshot_restore_review", argumentName: "snapshot", argumentValue: "f",
                                          context: ["vmid": "203"]).values == ["fresh1"])
        _ = await server.finish()
    }

    /// With dynamicToolsets, the model switches a toolset on; the client is told the list changed
    /// and the new tools are listed and callable. Without it, the meta-tools are not there.
    @Test func aToolsetSwitchedOnIsAnnouncedAndListed() async throws {
        let fixture = try SSHFixture()
        let changes = Mutex(0)
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment.merging(["PROXMOX_DYNAMIC_TOOLSETS": "true"]) { $1 },
                                       workingDirectory: fixture.server.directory.path)
        await server.client.onNotification(ToolListChangedNotification.self) { _ in changes.withLock { $0 += 1 } }
        let initialized = try await server.connect()
        #expect(initialized.capabilities.tools?.listChanged == true)
        #expect(initialized.instructions?.contains("Off: tasks, backup, migration, disks, cloud-init, guest-agent, fleet (proxmox_toolset_enable switches one on)") == true)
        let before = try await server.client.listTools().tools.map(\.name)
        #expect(before.contains("proxmox_toolset_enable") && !before.contains("proxmox_task_status"))
        let refused = try await server.call("proxmox_task_status", ["upid": "UPID:pve1:0002F101:01C3AA01:69250DA0:vzdump::root@pam:"])
        #expect(refused.isError == true && text(refused).contains("or call proxmox_toolset_enable"))
        let listed = try await server.call("proxmox_toolset_list")
        let sets = listed.structuredContent?.objectValue?["toolsets"]?.arrayValue ?? []
        #expect(sets.first { $0.objectValue?["id"] == "tasks" }?.objectValue?["enabled"] == false)
        let enabled = try await server.call("proxmox_toolset_enable", ["toolset": "tasks"])
        #expect(enabled.isError == false, "\(text(enabled))")
        for _ in 0..<100 where changes.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(changes.withLock { $0 } == 1)
        let after = try await server.client.listTools().tools.map(\.name)
        #expect(Set(after) == Set(before).union(ToolCatalog.toolset("tasks")!.tools.map(\.name)))
        let status = try await server.call("proxmox_task_status", ["upid": "UPID:pve1:0002F101:01C3AA01:69250DA0:vzdump::root@pam:"])
        #expect(status.structuredContent?.objectValue?["exitstatus"] == "job errors", "\(text(status))")
        _ = await server.finish()

        let plainFixture = try SSHFixture()
        let plain = try await start(plainFixture)
        #expect(!(try await plain.client.listTools().tools.map(\.name)).contains("proxmox_toolset_list"))
        _ = await plain.finish()
    }

    @Test func loggingNotificationsFollowTheClientsLevel() async throws {
        let fixture = try SSHFixture()
        try fixture.server.removeProgram("qm")
        let messages = Mutex<[String]>([])
        let server = try await start(fixture) { client in
            await client.onNotification(LogMessageNotification.self) { message in
                messages.withLock { $0.append("\(message.params.level.rawValue) \(message.params.data.stringValue ?? "")") }
            }
        }
        _ = try await server.call("proxmox_node_list")
        try await Task.sleep(for: .milliseconds(300))
        #expect(messages.withLock { $0 }.isEmpty, "nothing below warning before logging/setLevel")
        try await server.client.setLoggingLevel(.info)
        _ = try await server.call("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "logged1", "transport": "ssh"])
        try await Task.sleep(for: .milliseconds(300))
        let seen = messages.withLock { $0 }
        #expect(seen.contains { $0.hasPrefix("info proxmox_vm_snapshot_create via pvesh: qm snapshot 100 logged1 ; pvesh create /nodes/pve1/qemu/100/snapshot --snapname logged1 --output-format json ; pvesh get /nodes/pve1/tasks/UPID:pve1:") }, "\(seen)")
        #expect(seen.contains { $0.hasPrefix("notice proxmox_vm_snapshot_create: fell back from `qm` to `pvesh`") })
        // A reconnect after the host dropped the connection is reported too.
        fixture.server.killAll()
        try fixture.server.restart()
        let again = try await server.call("proxmox_node_list")
        #expect(again.isError == false, "\(text(again))")
        try await Task.sleep(for: .milliseconds(300))
        #expect(messages.withLock { $0 }.contains("notice reconnected to \(fixture.server.user)@127.0.0.1:\(fixture.server.port)"),
                "\(messages.withLock { $0 })")
        _ = await server.finish()
    }

    @Test func progressArrivesWhileASlowTaskRunsAndCancellationStopsTheWait() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in
            cluster.faults.slowTasks["qmstart:102"] = 4
            // Long enough that a loaded machine still cancels well before it ends.
            cluster.faults.slowTasks["qmstart:103"] = 15
        }
        let progress = Mutex<[ProgressNotification.Parameters]>([])
        let messages = Mutex<[String]>([])
        let server = try await start(fixture) { client in
            await client.onNotification(ProgressNotification.self) { message in progress.withLock { $0.append(message.params) } }
            await client.onNotification(LogMessageNotification.self) { message in
                messages.withLock { $0.append(message.params.data.stringValue ?? "") }
            }
        }
        try await server.client.setLoggingLevel(.notice)
        // A slow start with a progress token: notifications name the task, with growing elapsed time.
        let request = CallTool.request(.init(name: "proxmox_vm_start", arguments: ["vmid": 102, "transport": "api"],
                                             meta: Metadata(progressToken: .string("start-102"))))
        let result = try await server.client.send(request).value
        #expect(result.isError == false, "\(text(result))")
        let reports = progress.withLock { $0 }
        #expect(reports.count >= 2, "\(reports)")
        #expect(reports.allSatisfy { $0.progressToken == .string("start-102") })
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.progress < $1.progress })
        #expect(reports.last?.message?.contains(":qmstart:102:root@pam:)") == true, "\(reports.map(\.message))")
        #expect(reports.last?.message?.hasPrefix("running ") == true)

        // Cancelled while the task runs: the server stops waiting at once and says the task goes on.
        let started = ContinuousClock.now
        let slow = try await server.client.send(CallTool.request(.init(name: "proxmox_vm_start", arguments: ["vmid": 103, "transport": "api"],
                                                                   meta: Metadata(progressToken: .string("start-103")))))
        for _ in 0..<100 where !progress.withLock({ $0.contains { $0.progressToken == .string("start-103") && $0.message?.contains("UPID") == true } }) {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await server.client.cancelRequest(slow.requestID, reason: "the user changed their mind")
        await #expect(throws: CancellationError.self) { _ = try await slow.value }
        for _ in 0..<50 where !messages.withLock({ $0.contains { $0.contains("cancelled") } }) { try await Task.sleep(for: .milliseconds(100)) }
        let note = try #require(messages.withLock { $0.first { $0.contains("cancelled") } })
        #expect(ContinuousClock.now - started < .seconds(10), "the wait ended before the 15 s task")
        let upid = try #require(note.firstMatch(of: /UPID:pve2:[0-9A-F]+:[0-9A-F]+:[0-9A-F]+:qmstart:103:root@pam:/).map { String($0.output) })
        #expect(note.contains("cancelled: stopped waiting, but task \(upid) continues on the host; to stop it: pvesh delete /nodes/pve2/tasks/\(upid)"))
        // The server is free for other calls meanwhile, and the task finishes on the host.
        let list = try await server.call("proxmox_vm_list")
        #expect(list.isError == false)
        var status: String?
        for _ in 0..<120 where status != "running" {
            try await Task.sleep(for: .milliseconds(500))
            status = try StateStore(file: fixture.server.statePath).read { $0.guests.first { $0.vmid == 103 }?.status }
        }
        #expect(status == "running")
        _ = await server.finish()
    }

    /// A client that can ask its user; `answer` decides what the user says.
    static func asking(_ answer: @escaping @Sendable (String) -> CreateElicitation.Result) -> (Client) async -> Void {
        { client in
            await client.withElicitationHandler { parameters in
                guard case let .form(form) = parameters else { return .init(action: .cancel) }
                return answer(form.message)
            }
        }
    }

    @Test func anUnconfirmedDeleteAsksTheUserAndRunsOnlyOnYes() async throws {
        let fixture = try SSHFixture()
        let questions = Mutex<[String]>([])
        let replies = Mutex<[CreateElicitation.Result]>([
            .init(action: .decline), .init(action: .cancel), .init(action: .accept, content: ["confirm": false]),
            .init(action: .accept, content: ["confirm": true]),
        ])
        let schemas = Mutex<[Elicitation.RequestSchema]>([])
        let server = try await start(fixture, capabilities: .init(elicitation: .init())) { client in
            await client.withElicitationHandler { parameters in
                guard case let .form(form) = parameters else { return .init(action: .cancel) }
                questions.withLock { $0.append(form.message) }
                schemas.withLock { $0.append(form.requestedSchema) }
                return replies.withLock { $0.removeFirst() }
            }
        }
        let expectations = [
            "the user declined deleting VM 102 on pve2; nothing ran", "the user dismissed the question about deleting VM 102 on pve2; nothing ran",
            "the user answered the question about deleting VM 102 on pve2 without ticking 'Yes, do it'; nothing ran",
        ]
        for expected in expectations {
            let refused = try await server.call("proxmox_vm_delete", ["vmid": 102])
            #expect(text(refused) == expected)
            #expect(refused.errorDetails["reason"] == "refused")
        }
        #expect(!(try fixture.server.receivedArgv().contains { $0.contains("destroy") || ($0.count > 1 && $0[1] == "delete") }))
        let deleted = try await server.call("proxmox_vm_delete", ["vmid": 102])
        #expect(deleted.isError == false, "\(text(deleted))")
        #expect(try fixture.server.receivedArgv().contains { $0 == ["qm", "destroy", "102"] || $0 == ["pvesh", "delete", "/nodes/pve2/qemu/102", "--output-format", "json"] })
        #expect(questions.withLock { $0 }.first == "Delete VM 102 (win-test) on node pve2? It is stopped and has 0 snapshots. Its disks (sata0 local-lvm:vm-102-disk-0 (64G)) and snapshots are destroyed; this cannot be undone.")
        #expect(questions.withLock { $0 }.count == 4)
        // The question is shown once: as the message, not again in the form's texts.
        let form = try #require(schemas.withLock { $0 }.first)
        let formText = [form.title, form.description].compactMap { $0 } + form.properties.values.flatMap {
            ($0.objectValue ?? [:]).values.compactMap(\.stringValue)
        }
        #expect(formText.allSatisfy { !$0.contains("VM 102") }, "\(formText)")
        #expect(form.properties["confirm"]?.objectValue?["title"] == "Yes, do it")
        // With confirm: true nobody is asked.
        _ = try await server.call("proxmox_ct_delete", ["vmid": 202, "confirm": true])
        #expect(questions.withLock { $0 }.count == 4)
        _ = await server.finish()
    }

    @Test func withoutElicitationAnUnconfirmedDeleteIsRefusedWithHowToConfirm() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let refused = try await server.call("proxmox_ct_delete", ["vmid": 203])
        #expect(text(refused) == "deleting CT 203 on pve1 is irreversible: call again with confirm: true (nothing ran)")
        #expect(!(try fixture.server.receivedArgv().contains { $0.contains("destroy") }))
        _ = await server.finish()
    }
}
