import Foundation
import FuzzTargets

/// `wharf-fuzz TARGET FILE…` runs a fuzz target on each file (to reproduce a crash without the fuzzer
/// build). scripts/fuzz builds this with `-sanitize=fuzzer` and renames this entry point, so that
/// libFuzzer's own `main` drives `LLVMFuzzerTestOneInput` with the target WHARF_FUZZ_TARGET names.
@main
struct WharfFuzz {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: wharf-fuzz TARGET FILE…; targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            target.run(Array(data))
            print("ok \(path)")
        }
    }
}

private let fuzzedTarget: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["WHARF_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        fatalError("set WHARF_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

/// libFuzzer's entry: one input, through the target WHARF_FUZZ_TARGET names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzedTarget.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
