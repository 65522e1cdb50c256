import Foundation

/// Checks each incoming line against JSON-RPC 2.0 before the SDK sees it, and answers what is
/// not a valid message itself, with the code the specification gives: the SDK answers a broken
/// line with a made-up id, takes a wrong `jsonrpc` for a parse error, and reports params of the
/// wrong type as an internal error.
enum MessageScreen {
    enum Verdict {
        /// A valid message, parsed: hand it to the SDK.
        case pass([String: Any])
        /// Not valid: send this answer instead (nil for a notification, which gets none).
        case reject(Data?)
    }

    static func screen(_ line: Data) -> Verdict {
        guard let parsed = try? JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed]) else {
            return .reject(error(id: nil, code: -32700, "Parse error: not valid JSON"))
        }
        guard let message = parsed as? [String: Any] else {
            let what = parsed is [Any] ? "batches are not part of MCP" : "a message is a JSON object"
            return .reject(error(id: nil, code: -32600, "Invalid Request: \(what)"))
        }
        let rawID = message["id"]
        let id = validID(rawID)
        if rawID != nil && id == nil {
            return .reject(error(id: nil, code: -32600, "Invalid Request: id must be a string or an integer"))
        }
        guard message["jsonrpc"] as? String == "2.0" else {
            return .reject(error(id: id, code: -32600, "Invalid Request: jsonrpc must be \"2.0\""))
        }
        if let method = message["method"] {
            guard method is String else {
                return .reject(id == nil ? nil : error(id: id, code: -32600, "Invalid Request: method must be a string"))
            }
            if let params = message["params"], !(params is [String: Any]) {
                return .reject(id == nil ? nil : error(id: id, code: -32602, "Invalid params: params must be an object"))
            }
            return .pass(message)
        }
        guard id != nil, message["result"] != nil || message["error"] != nil else {
            return .reject(error(id: id, code: -32600, "Invalid Request: neither a request, a notification nor a response"))
        }
        return .pass(message)
    }

    /// The error answer for a message that could not be handled at all (too large).
    static func tooLarge(_ limit: Int) -> Data {
        error(id: nil, code: -32600, "Invalid Request: message larger than \(limit) bytes")
    }

    /// A valid JSON-RPC id: a string, or a number without a fraction (booleans are numbers to Foundation).
    static func validID(_ value: Any?) -> Any? {
        switch value {
        case let text as String: return text
        case let number as NSNumber where !JSONNumber.isBoolean(number) && number.doubleValue.rounded() == number.doubleValue:
            return number.int64Value
        default: return nil
        }
    }

    static func error(id: Any?, code: Int, _ message: String) -> Data {
        let object: [String: Any] = ["jsonrpc": "2.0", "id": id ?? NSNull(), "error": ["code": code, "message": message]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
