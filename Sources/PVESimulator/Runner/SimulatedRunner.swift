import Foundation
import ProxmoxCore

/// The simulator behind the runner protocol, in-process: what `serve --simulator` and `demo` use.
public struct SimulatedRunner: CommandRunner {
    /// The simulated cluster's state.
    public let store: StateStore
    /// The environment the simulated commands see (`PVE_SIM_NODE` picks qm/pct's local node).
    public let environment: [String: String]

    public init(store: StateStore = StateStore(), environment: [String: String] = [:]) {
        self.store = store
        self.environment = environment
    }

    public func run(_ command: Command) async throws -> CommandOutput {
        let program = command.program, arguments = Array(command.argv.dropFirst())
        let start = ContinuousClock.now
        if let delay = SimulatorCLI.startupDelay(program: program, environment: environment) { try await Task.sleep(for: delay) }
        let faults = SimulatorCLI.faults(environment: environment, store: store)
        if SimulatorCLI.shouldHang(program: program, arguments: arguments, faults: faults) {
            // A hanging command: wait until the caller gives up (cancellation).
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        // Slow tasks sleep inside the command, as on a real host: keep that off Swift's shared pool.
        var output = await withCheckedContinuation { continuation in
            Thread { [store, environment] in
                continuation.resume(returning: SimulatorCLI.run(program: program, arguments: arguments,
                                                                environment: environment, store: store, faults: faults))
            }.start()
        }
        output.duration = ContinuousClock.now - start
        return output
    }
}
