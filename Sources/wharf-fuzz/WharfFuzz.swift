import Foundation
import FuzzTargets
#if canImport(Glibc)
import Glibc
#endif

/// `wharf-fuzz TARGET FILE…` runs a fuzz target on each file (to reproduce a crash without the fuzzer
/// build). Built by scripts/fuzz (coverage instrumentation, AddressSanitizer and libFuzzer without its
/// `main`, which SwiftPM's own stands in for), WHARF_FUZZ_TARGET hands libFuzzer's driver the target.
@main
struct WharfFuzz {
    typealias Driver = @convention(c) (
        UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    static func main() {
        if let name = ProcessInfo.processInfo.environment["WHARF_FUZZ_TARGET"] {
            guard let target = FuzzTarget(rawValue: name) else { fail("unknown target '\(name)'") }
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "LLVMFuzzerRunDriver") else {
                fail("this wharf-fuzz has no libFuzzer; build it with scripts/fuzz")
            }
            fuzzed = target
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(unsafeBitCast(symbol, to: Driver.self)(&argc, &argv, fuzzOneInput))
        }
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            fail("usage: wharf-fuzz TARGET FILE…")
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
            target.run(Array(data))
            print("ok \(path)")
        }
    }

    nonisolated(unsafe) static var fuzzed: FuzzTarget?

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("wharf-fuzz: \(message); targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
}

/// One input from libFuzzer, through the target WHARF_FUZZ_TARGET named.
@_cdecl("wharf_fuzz_one_input")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    WharfFuzz.fuzzed?.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
