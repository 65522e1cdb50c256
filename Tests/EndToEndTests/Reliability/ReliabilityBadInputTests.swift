import Foundation
import Testing
import TestSupport

/// Generated malformed and hostile MCP messages, fed as raw lines to the built server: each is
/// answered with the right JSON-RPC error or tool error, and the server answers a valid call after.
@Suite struct ReliabilityBadInputTests {
    /// What a line must get back.
    enum Expected: Equatable {
        /// A JSON-RPC error with this code, for this id (nil: `"id": null`).
        case error(Int, id: Int?)
        /// A tool result with `isError: true` and this reason.
        case toolError(id: Int, reason: String)
        /// Either a parse error (a parser's depth limit) or a tool error: deep nesting.
        case parseOrToolError(id: Int)
    }

    static let tools = ["proxmox_vm_start", "proxmox_vm_list", "proxmox_vm_config", "proxmox_ct_delete", "proxmox_vm_clone",
                        "proxmox_storage_content", "proxmox_vm_snapshot_create", "proxmox_node_status"]

    static func call(_ id: Int, _ tool: String, _ arguments: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#
    }

    /// Case `number`: a line and what it must get back. Ids count from 1000 so they are unique.
    static func generate(_ number: Int) -> (String, Expected) {
        let id = 1000 + number
        let tool = tools[number % tools.count]
        let valid = call(id, "proxmox_vm_start", #"{"vmid":100}"#)
        switch number % 16 {
        case 0: // broken JSON: a valid line cut short
            return (String(valid.prefix(1 + number % (valid.count - 1))), .error(-32700, id: nil))
        case 1: // not JSON at all, including bytes that are not UTF-8
            let garbage = ["hello", "{{}", "\u{1b}[31mred", "\u{FFFD}\u{FFFE}", "{'single':'quotes'}", "NaN", "{\"a\":}", "\"unterminated"]
            return (garbage[number / 16 % garbage.count] + String(number), .error(-32700, id: nil))
        case 2: // valid JSON, not an object
            let values = ["42", "\"text\"", "[1,2]", "true", "null", "[]", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"]
            return (values[number / 16 % values.count], .error(-32600, id: nil))
        case 3: // an id of the wrong type
            let ids = ["{\"a\":1}", "[1]", "true", "1.5", "null"]
            let bad = ids[number / 16 % ids.count]
            return (#"{"jsonrpc":"2.0","id":\#(bad),"method":"ping"}"#, bad == "null" ? .error(-32600, id: nil) : .error(-32600, id: nil))
        case 4: // a wrong or missing protocol version
            let versions = [#""jsonrpc":"1.0","#, #""jsonrpc":2.0,"#, ""]
            return (#"{\#(versions[number / 16 % versions.count])"id":\#(id),"method":"ping"}"#, .error(-32600, id: id))
        case 5: // unknown method
            return (#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/run\#(number)"}"#, .error(-32601, id: id))
        case 6: // params of the wrong type
            let params = ["\"x\"", "[1,2]", "7", "true"]
            return (#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":\#(params[number / 16 % params.count])}"#, .error(-32602, id: id))
        case 7: // unknown tool, sometimes with a huge or hostile name
            let names = ["proxmox_vm_explode", "'; reboot; '", String(repeating: "x", count: 100_000), "", "PROXMOX_VM_LIST"]
            return (call(id, names[number / 16 % names.count], "{}"), .error(-32602, id: id))
        case 8: // a required argument missing
            let missing = ["proxmox_vm_start", "proxmox_vm_snapshot_create", "proxmox_storage_content", "proxmox_ct_create"]
            return (call(id, missing[number / 16 % missing.count], "{}"), .toolError(id: id, reason: "invalid_argument"))
        case 9: // an argument the tool does not take
            return (call(id, tool, #"{"vmid":100,"force_everything":true}"#), .toolError(id: id, reason: "invalid_argument"))
        case 10: // wrong types
            let values = ["\"abc\"", "true", "1.5", "[]", "{}", "\"100; reboot\""]
            return (call(id, "proxmox_vm_start", #"{"vmid":\#(values[number / 16 % values.count])}"#), .toolError(id: id, reason: "invalid_argument"))
        case 11: // out-of-range ids
            let values = ["-1", "0", "99", "1000000000", "1e12", "-9223372036854775808"]
            return (call(id, "proxmox_vm_start", #"{"vmid":\#(values[number / 16 % values.count])}"#), .toolError(id: id, reason: "invalid_argument"))
        case 12: // huge strings where short ones belong
            let huge = String(repeating: "A", count: 200_000 + number)
            let arguments = [#"{"vmid":100,"snapshot":"\#(huge)"}"#, #"{"vmid":100,"snapshot":"s1","description":"\#(huge)"}"#]
            return (call(id, "proxmox_vm_snapshot_create", arguments[number / 16 % 2]), .toolError(id: id, reason: "invalid_argument"))
        case 13: // deep nesting inside the arguments
            let depth = [50, 500, 5_000, 50_000][number / 16 % 4]
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            return (call(id, "proxmox_vm_config", #"{"vmid":100,"set":{"cores":\#(nested)}}"#), .parseOrToolError(id: id))
        case 14: // hostile names in name arguments
            let names = ["../../etc", "-rf", "pve1;reboot", "$(id)", "a\u{0}b", String(repeating: "n", count: 300)]
            return (call(id, "proxmox_node_status", #"{"node":\#(jsonString(names[number / 16 % names.count]))}"#),
                    .toolError(id: id, reason: "invalid_argument"))
        default: // null arguments and odd shapes that are still well-formed requests
            let shapes = [#"{"vmid":null}"#, #"{"vmid":100,"transport":"telnet"}"#, #"{"vmid":100,"timeout":0}"#, #"{"vmid":100,"wait":"yes"}"#]
            return (call(id, "proxmox_vm_start", shapes[number / 16 % shapes.count]), .toolError(id: id, reason: "invalid_argument"))
        }
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    @Test func everyMalformedMessageIsAnsweredAndTheServerLivesOn() throws {
        let count = 1_200
        var lines = [#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                     #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#]
        var expected: [Expected] = []
        for number in 0..<count {
            let (line, expectation) = Self.generate(number)
            lines.append(line.replacingOccurrences(of: "\n", with: " "))
            expected.append(expectation)
        }
        lines.append(Self.call(2, "proxmox_vm_list", #"{"node":"pve2"}"#))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-input-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let binary = try Paths.binary("mcp-proxmox-admin")
        let result = try Subprocess.run("/bin/sh", ["-c", "exec \"$0\" serve --simulator < \"$1\"", binary, file.path], check: false)
        #expect(result.status == 0, "\(result.stderr.suffix(500))")

        var byID: [Int: [String: Any]] = [:]
        var nullErrors: [Int] = []
        var unreadable = 0
        for line in result.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { unreadable += 1; continue }
            if object["method"] != nil { continue }  // a notification
            if let id = (object["id"] as? NSNumber)?.intValue {
                #expect(byID[id] == nil, "two answers for \(id)")
                byID[id] = object
            } else if let error = object["error"] as? [String: Any], let code = error["code"] as? Int {
                nullErrors.append(code)
            }
        }
        #expect(unreadable == 0)
        var wrong: [String] = []
        var expectedNull: [Int] = []
        var tally: [String: Int] = [:]
        for (index, expectation) in expected.enumerated() {
            switch expectation {
            case let .error(code, nil):
                expectedNull.append(code)
                tally["JSON-RPC \(code)", default: 0] += 1
            case let .error(code, id?):
                let got = (byID[id]?["error"] as? [String: Any])?["code"] as? Int
                if got != code { wrong.append("case \(index): expected \(code), got \(String(describing: byID[id]))".prefix(300).description) }
                tally["JSON-RPC \(code)", default: 0] += 1
            case let .toolError(id, reason):
                let result = byID[id]?["result"] as? [String: Any]
                let got = ((result?["_meta"] as? [String: Any])?["mcp-proxmox-admin/error"] as? [String: Any])?["reason"] as? String
                if result?["isError"] as? Bool != true || got != reason {
                    wrong.append("case \(index): expected tool error \(reason), got \(String(describing: byID[id]))".prefix(300).description)
                }
                tally["tool error `\(reason)`", default: 0] += 1
            case let .parseOrToolError(id):
                if let answer = byID[id] {
                    let isToolError = (answer["result"] as? [String: Any])?["isError"] as? Bool == true
                    if !isToolError { wrong.append("case \(index): \(answer)".prefix(300).description) }
                    tally["tool error (deep nesting)", default: 0] += 1
                } else {
                    expectedNull.append(-32700)
                    tally["JSON-RPC -32700 (deep nesting beyond the parser's limit)", default: 0] += 1
                }
            }
        }
        #expect(wrong == [], "\(wrong.prefix(5))")
        #expect(nullErrors.sorted() == expectedNull.sorted())
        // The valid call at the end was answered as usual.
        let last = byID[2]?["result"] as? [String: Any]
        #expect(last?["isError"] as? Bool == false)
        #expect(((last?["content"] as? [[String: Any]])?.first?["text"] as? String)?.contains("102  win-test  stopped  on pve2") == true)
        let test = "everyMalformedMessageIsAnsweredAndTheServerLivesOn"
        ReliabilityReport.record("Bad MCP input", "generated malformed or hostile messages", count, test: test)
        for (kind, number) in tally.sorted(by: { $0.key < $1.key }) {
            ReliabilityReport.record("Bad MCP input", "answered with \(kind)", number, test: test)
        }
        ReliabilityReport.record("Bad MCP input", "wrong or missing answers", wrong.count + abs(nullErrors.count - expectedNull.count), test: test)
        ReliabilityReport.record("Bad MCP input", "valid call afterwards answered; exit status at end of input", "yes; \(result.status)", test: test)
    }
}
