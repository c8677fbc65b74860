import Foundation
import FuzzTargets

// Built by scripts/fuzz with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer drives the target that
// WHARF_FUZZ_TARGET names. Built plainly: `wharf-fuzz TARGET FILE…` runs the target on each file
// (to reproduce a crash without the fuzzer build).

#if FUZZING
private let target: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["WHARF_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        fatalError("set WHARF_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
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
#endif
