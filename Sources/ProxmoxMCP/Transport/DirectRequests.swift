import Foundation
import MCP
import Synchronization

/// Requests that the transport answers itself, beside the SDK's `Server`, which still handles
/// every other message (initialize, lists, resources, prompts, responses to its own requests).
///
/// The SDK decodes a request three times on its way to a typed handler and encodes the result,
/// decodes it back into a `Value` and encodes it again; its `Value` decoding compiles a regular
/// expression for every string. For `tools/call`, the one hot request, that was most of the
/// server's own time (docs/performance.md). Here the screen's parse of the line becomes the
/// parameters at once and the result is encoded once.
///
/// Such a request is cancelled by `notifications/cancelled` naming it (the handler's task is
/// cancelled, and no answer is sent, as MCP asks); the notification still reaches the SDK, which
/// ignores an id it does not know.
final class DirectRequests: Sendable {
    /// Answers a request: its id and parameters in, the encoded JSON-RPC response out.
    typealias Handler = @Sendable (ID, [String: Value]) async -> Data

    private let handlers = Mutex<[String: Handler]>([:])
    private let running = Mutex(Running())

    /// The requests being answered, by id; and those whose answer was done before their task was
    /// filed (a call refused before it waited for anything).
    private struct Running {
        var tasks: [String: Task<Void, Never>] = [:]
        var doneBeforeFiled: Set<String> = []
    }

    func register(_ method: String, _ handler: @escaping Handler) {
        handlers.withLock { $0[method] = handler }
    }

    /// Takes `message` when it is a request for a registered method and starts answering it;
    /// returns false for anything to be passed on. Answers are written with `writer`.
    func take(_ message: [String: Any], writer: LineWriter, unanswered: UnansweredRequests) -> Bool {
        guard let method = message["method"] as? String else { return false }
        if method == CancelledNotification.name {
            cancel(message)
            return false
        }
        guard let key = UnansweredRequests.key(message["id"]), let id = Self.id(message["id"]),
              let handler = handlers.withLock({ $0[method] }) else { return false }
        let parameters = (message["params"] as? [String: Any]).flatMap { Value(json: $0)?.objectValue } ?? [:]
        // Started on this thread and run here up to its first wait (for the host, mostly), which
        // saves a hop to another thread per call; the rest runs on Swift's pool.
        let task = Task.immediate { [weak self] in
            let answer = await handler(id, parameters)
            let cancelled = Task.isCancelled
            self?.running.withLock { running in
                if running.tasks.removeValue(forKey: key) == nil { running.doneBeforeFiled.insert(key) }
            }
            if !cancelled { try? writer.write(answer) }
            unanswered.noteAnswered(key)
        }
        running.withLock { running in
            if running.doneBeforeFiled.remove(key) == nil { running.tasks[key] = task }
        }
        return true
    }

    private func cancel(_ notification: [String: Any]) {
        guard let parameters = notification["params"] as? [String: Any],
              let key = UnansweredRequests.key(parameters["requestId"]) else { return }
        running.withLock { $0.tasks.removeValue(forKey: key) }?.cancel()
    }

    /// The SDK's `ID` of a JSON-RPC id the screen let through (a string or a whole number).
    private static func id(_ value: Any?) -> ID? {
        switch MessageScreen.validID(value) {
        case let text as String: .string(text)
        case let number as Int64: .number(Int(number))
        default: nil
        }
    }

    /// The JSON-RPC line of a response, encoded as the SDK encodes its own.
    static func encode<M: MCP.Method>(_ response: Response<M>) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(response) { return data }
        // Unreachable for the types answered here; still, a request is never left unanswered.
        return (try? encoder.encode(Response<M>(id: response.id, error: .internalError("the result could not be encoded")))) ?? Data()
    }
}
