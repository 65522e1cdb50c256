import Foundation
import MCP
import ProxmoxMCP
import Testing
import TestSupport

/// The tool-call answer written directly (`ResponseLine`) is byte for byte what the SDK's encoder
/// writes, on every golden row's real result and on random values made to find the edges (control
/// characters, key order, number forms), and it leaves to the encoder what it does not write itself.
@Suite struct ResponseLineTests {
    static func encoded(_ id: ID, _ result: CallTool.Result) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Response<CallTool>(id: id, result: result))
    }

    @Test func everyGoldenResultIsWrittenAsTheEncoderWritesIt() async throws {
        for row in Golden.rows {
            let definition = try #require(ToolCatalog.all.first { $0.name == row.tool })
            for transport in ["cli", "api"] {
                let result = await Golden.call(row.tool, Golden.arguments(row, definition, transport: transport))
                let direct = try #require(ResponseLine.toolResult(id: .number(7), result), "\(row.tool) \(transport)")
                #expect(direct == (try Self.encoded(.number(7), result)), "\(row.tool) \(transport)")
            }
        }
    }

    @Test func randomResultsAreWrittenAsTheEncoderWritesThem() throws {
        var random = SeededGenerator(seed: 20261207)
        for round in 0..<3000 {
            let id: ID = Bool.random(using: &random) ? .number(Int.random(in: Int.min...Int.max, using: &random)) : .string(Self.text(&random))
            let content: [Tool.Content] = (0..<Int.random(in: 0...2, using: &random)).map { _ in .text(text: Self.text(&random), annotations: nil, _meta: nil) }
            let isError: Bool? = [true, false, nil].randomElement(using: &random)!
            let structured: Value? = round % 5 == 0 ? nil : Self.value(depth: 3, &random)
            let result = CallTool.Result(content: content, structuredContent: structured, isError: isError)
            let direct = try #require(ResponseLine.toolResult(id: id, result))
            let expected = try Self.encoded(id, result)
            #expect(direct == expected, "round \(round): \(String(decoding: expected, as: UTF8.self).prefix(300))")
        }
    }

    @Test func whatItDoesNotWriteIsLeftToTheEncoder() {
        let plain = CallTool.Result(content: [.text(text: "x", annotations: nil, _meta: nil)], isError: false)
        #expect(ResponseLine.toolResult(id: .number(1), plain) != nil)
        let cases: [CallTool.Result] = [
            CallTool.Result(content: [.image(data: "AAAA", mimeType: "image/png", annotations: nil, _meta: nil)], isError: false),
            CallTool.Result(content: [.text(text: "x", annotations: nil, _meta: Metadata(additionalFields: ["k": "v"]))], isError: false),
            CallTool.Result(content: [], structuredContent: .object(["a": .data(mimeType: "text/plain", Data("hi".utf8))]), isError: false),
            CallTool.Result(content: [], structuredContent: .array([.double(.nan)]), isError: false),
            CallTool.Result(content: [], structuredContent: .double(.infinity), isError: false),
        ]
        for result in cases { #expect(ResponseLine.toolResult(id: .number(1), result) == nil, "\(result)") }
    }

    /// Text from an alphabet of the characters whose writing differs: every control character,
    /// quote, backslash, slash, DEL, a line separator, accented letters, an emoji, digits, case.
    static func text(_ random: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = (0..<0x20).map { Unicode.Scalar($0)! }
            + ["\"", "\\", "/", "\u{7F}", "\u{2028}", "é", "Ä", "😀", "0", "9", "a", "A", "z", "Z", "_", "-", ".", " ", "{", "}"]
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &random) { text.append(alphabet.randomElement(using: &random)!) }
        return String(text)
    }

    static func value(depth: Int, _ random: inout SeededGenerator) -> Value {
        switch Int.random(in: depth > 0 ? 0...7 : 0...5, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int([Int.min, Int.max, 0, -1, Int.random(in: -1_000_000...1_000_000, using: &random)].randomElement(using: &random)!)
        case 3:
            let bits = Double(bitPattern: random.next())
            let choices: [Double] = [bits.isFinite ? bits : 0.5, Double(Int.random(in: -1000...1000, using: &random)),
                                     Double(Int.random(in: -100_000...100_000, using: &random)) / 1000, 1e15, 1e16, 1e-7, -0.0,
                                     Double.random(in: 0...1, using: &random)]
            return .double(choices.randomElement(using: &random)!)
        case 4, 5: return .string(text(&random))
        case 6: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth - 1, &random) })
        default:
            var fields: [String: Value] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) { fields[text(&random)] = value(depth: depth - 1, &random) }
            return .object(fields)
        }
    }
}
