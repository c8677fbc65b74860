import Foundation
import Storage
import Tarball
import Testing
import StoreTestSupport
@testable import Registry

/// The JSR aggregates (scopes, packages, publishing) built directly over a temporary store: the
/// rules jsr.io enforces, and that a publish is all or nothing.
@Suite struct JSRRegistryTests {
    let alice = JSRActor(user: RegistryUser(name: "alice", key: "a", admin: false))
    let bob = JSRActor(user: RegistryUser(name: "bob", key: "b", admin: false))

    /// A registry in a fresh store. The store closes when it goes: callers keep it to their end.
    static func registry(quotas: JSRQuotas = JSRQuotas()) throws -> (JSRRegistry, TemporaryStore) {
        let store = try TemporaryStore("jsr")
        let users = [RegistryUser(name: "alice", key: "a", admin: false), RegistryUser(name: "bob", key: "b", admin: false)]
        return (try JSRRegistry(blobs: store.blobs, users: users, quotas: quotas), store)
    }

    /// A gzipped package tarball as deno writes it (`./path` entries).
    static func tarball(_ scope: String, _ name: String, _ version: String, imports: String = "") -> [UInt8] {
        var tar = TarWriter()
        tar.addFile("./jsr.json", contents: "{\"name\": \"@\(scope)/\(name)\", \"version\": \"\(version)\", \"exports\": \"./mod.ts\"}")
        tar.addFile("./mod.ts", contents: "\(imports)export const version = \"\(version)\";\n")
        return tar.archive(compression: .gzip)
    }

    static func code(_ body: () async throws -> Void) async -> JSRError.Kind? {
        do {
            try await body()
            return nil
        } catch {
            return (error as? JSRError)?.kind
        }
    }

    // MARK: scopes

    @Test func theCreatorIsTheOnlyAdminAndMustStayOne() async throws {
        let (registry, store) = try Self.registry()
        defer { withExtendedLifetime(store) {} }
        let scopes = registry.scopes
        _ = try await scopes.createScope("team", by: alice)
        #expect(try scopes.members(of: "team").map { "\($0.user.id) admin=\($0.isAdmin)" } == ["\(alice.id) admin=true"])
        #expect(await Self.code { _ = try await scopes.createScope("team", by: bob) } == .scopeAlreadyExists)
        #expect(await Self.code { _ = try await scopes.updateMember(alice.id, of: "team", isAdmin: false, by: alice) } == .scopeMustHaveAdmin)
        #expect(await Self.code { try await scopes.removeMember(alice.id, from: "team", by: alice) } == .scopeMustHaveAdmin)
        // Settings are for admins; the scope is there for everyone to read, its quotas only for admins.
        #expect(await Self.code { _ = try await scopes.updateScope("team", .description("x"), by: bob) } == .actorNotScopeAdmin)
        #expect(try scopes.scope("team", viewer: nil).quotas == nil)
        #expect(try scopes.scope("team", viewer: alice).quotas?.packageLimit == JSRQuotas().packagesPerScope)
    }

    @Test func anInviteMakesAMemberOnlyOnceAccepted() async throws {
        let (registry, store) = try Self.registry()
        defer { withExtendedLifetime(store) {} }
        let scopes = registry.scopes
        _ = try await scopes.createScope("team", by: alice)
        let invite = try await scopes.invite(.githubLogin("bob"), to: "team", by: alice)
        #expect(invite.targetUser.id == bob.id)
        #expect(await Self.code { _ = try await scopes.invite(.id(bob.id), to: "team", by: alice) } == .alreadyInvited)
        #expect(await Self.code { _ = try scopes.membership(of: "team", for: bob) } == .scopeMemberNotFound)
        #expect(try scopes.receivedInvites(for: bob).map(\.scope) == ["team"])
        let member = try await scopes.acceptInvite(to: "team", by: bob)
        #expect(member.isAdmin == false)
        #expect(try scopes.receivedInvites(for: bob).isEmpty)
        #expect(await Self.code { _ = try await scopes.acceptInvite(to: "team", by: bob) } == .scopeInviteNotFound)
        #expect(Set(try scopes.members(of: "team").map(\.user.id)) == [alice.id, bob.id])
        // A member may leave on their own; an admin who is not the last may be demoted.
        _ = try await scopes.updateMember(bob.id, of: "team", isAdmin: true, by: alice)
        _ = try await scopes.updateMember(alice.id, of: "team", isAdmin: false, by: bob)
        try await scopes.removeMember(alice.id, from: "team", by: alice)
        #expect(try scopes.members(of: "team").map(\.user.id) == [bob.id])
    }

    @Test func scopeQuotaCountsTheScopesAUserCreated() async throws {
        let (registry, store) = try Self.registry(quotas: JSRQuotas(scopesPerUser: 1))
        defer { withExtendedLifetime(store) {} }
        _ = try await registry.scopes.createScope("one", by: alice)
        #expect(await Self.code { _ = try await registry.scopes.createScope("two", by: alice) } == .scopeLimitReached)
        _ = try await registry.scopes.createScope("two", by: bob)
        #expect(try registry.scopes.fullUser(alice).scopeUsage == 1)
    }

    // MARK: packages

    @Test func packagesBelongToMembersAndBlockTheirScopesDeletion() async throws {
        let (registry, store) = try Self.registry()
        defer { withExtendedLifetime(store) {} }
        _ = try await registry.scopes.createScope("team", by: alice)
        #expect(await Self.code { _ = try await registry.packages.createPackage("lib", in: "team", by: bob) } == .actorNotScopeMember)
        #expect(await Self.code { _ = try await registry.packages.createPackage("lib", in: "nowhere", by: alice) } == .scopeNotFound)
        let created = try await registry.packages.createPackage("lib", in: "team", by: alice)
        #expect(created.versionCount == 0 && created.latestVersion == nil)
        #expect(await Self.code { _ = try await registry.packages.createPackage("lib", in: "team", by: alice) } == .packageAlreadyExists)
        #expect(await Self.code { try await registry.scopes.deleteScope("team", by: alice) } == .scopeNotEmpty)
        #expect(await Self.code { _ = try registry.packages.package("missing", in: "team") } == .packageNotFound)
        #expect(await Self.code { _ = try registry.packages.version("1.0.0", of: "lib", in: "team") } == .packageVersionNotFound)
        try await registry.packages.deletePackage("lib", in: "team", by: alice)
        try await registry.scopes.deleteScope("team", by: alice)
        #expect(await Self.code { _ = try registry.scopes.scope("team", viewer: nil) } == .scopeNotFound)
    }

    // MARK: publishing

    @Test func aPublishIsQueuedThenMadeVisibleWithItsFilesAndDependents() async throws {
        let (registry, store) = try Self.registry()
        defer { withExtendedLifetime(store) {} }
        _ = try await registry.scopes.createScope("team", by: alice)
        _ = try await registry.packages.createPackage("base", in: "team", by: alice)
        _ = try await registry.packages.createPackage("app", in: "team", by: alice)
        let base = try await registry.publishing.enqueuePublish(
            scope: "team", name: "base", version: "1.0.0", configPath: "/jsr.json", tarball: Self.tarball("team", "base", "1.0.0"), by: alice)
        #expect(base.status == .pending)
        #expect(try registry.publishing.queuedTaskIds() == [base.id])
        // Nothing is visible before the publisher has run.
        #expect(try registry.packages.versions(of: "base", in: "team").isEmpty)
        #expect(try await registry.publishing.process(taskId: base.id).status == .success)
        #expect(try registry.publishing.queuedTaskIds().isEmpty)

        let app = try await registry.publishing.enqueuePublish(
            scope: "team", name: "app", version: "2.0.0", configPath: "/jsr.json",
            tarball: Self.tarball("team", "app", "2.0.0", imports: "import \"jsr:@team/base@^1\";\n"), by: alice)
        #expect(try await registry.publishing.process(taskId: app.id).status == .success)

        #expect(try registry.packages.package("base", in: "team").latestVersion == "1.0.0")
        #expect(try registry.packages.package("base", in: "team").dependentCount == 1)
        #expect(try registry.packages.dependencies(of: "2.0.0", of: "app", in: "team").map(\.name) == ["@team/base"])
        let dependents = try registry.packages.dependents(of: "base", in: "team", JSRPaging())
        #expect(dependents.items.map { "\($0.scope)/\($0.package)@\($0.versions)" } == ["team/app@[\"2.0.0\"]"])
        let (file, bytes) = try #require(try registry.packages.file(scope: "team", name: "base", version: "1.0.0", path: "/mod.ts"))
        #expect(String(decoding: try bytes ?? registry.blobs.readAll(file.blob), as: UTF8.self) == "export const version = \"1.0.0\";\n")
        let meta = String(decoding: try registry.packages.packageMetaDocument(scope: "team", name: "base"), as: UTF8.self)
        #expect(meta.hasPrefix("{\"scope\":\"team\",\"name\":\"base\",\"latest\":\"1.0.0\",\"versions\":{\"1.0.0\":{\"createdAt\":"))

        // The same version again is refused at once, naming the task that published it.
        do {
            _ = try await registry.publishing.enqueuePublish(
                scope: "team", name: "base", version: "1.0.0", configPath: "/jsr.json", tarball: Self.tarball("team", "base", "1.0.0"), by: alice)
            Issue.record("a duplicate publish was queued")
        } catch {
            #expect(error.kind == .duplicateVersionPublish)
            #expect(error.task?.id == base.id)
        }
    }

    @Test func aBrokenTarballFailsItsTaskAndLeavesNothingBehind() async throws {
        let (registry, store) = try Self.registry()
        defer { withExtendedLifetime(store) {} }
        _ = try await registry.scopes.createScope("team", by: alice)
        _ = try await registry.packages.createPackage("lib", in: "team", by: alice)
        var plain = TarWriter()
        plain.addFile("./jsr.json", contents: "{}")
        let task = try await registry.publishing.enqueuePublish(
            scope: "team", name: "lib", version: "1.0.0", configPath: "/jsr.json", tarball: plain.archive(), by: alice)
        let done = try await registry.publishing.process(taskId: task.id)
        #expect(done.status == .failure)
        #expect(done.error?.code == "invalidTarball")
        #expect(try registry.publishing.task(task.id).status == .failure)
        #expect(try registry.publishing.queuedTaskIds().isEmpty)
        #expect(try registry.packages.versions(of: "lib", in: "team").isEmpty)
        // The queued tarball was released with the task: the store holds no blob.
        #expect(try registry.blobs.statistics().blobs == 0)
        #expect(try registry.blobs.statistics().pending == 0)
        // A failed version may be published again.
        let retry = try await registry.publishing.enqueuePublish(
            scope: "team", name: "lib", version: "1.0.0", configPath: "/jsr.json", tarball: Self.tarball("team", "lib", "1.0.0"), by: alice)
        #expect(try await registry.publishing.process(taskId: retry.id).status == .success)
    }

    @Test func publishingNeedsMembershipAndAnExistingPackage() async throws {
        let (registry, store) = try Self.registry()
        defer { withExtendedLifetime(store) {} }
        _ = try await registry.scopes.createScope("team", by: alice)
        let tarball = Self.tarball("team", "lib", "1.0.0")
        #expect(await Self.code {
            _ = try await registry.publishing.enqueuePublish(scope: "team", name: "lib", version: "1.0.0", configPath: "/jsr.json", tarball: tarball, by: alice)
        } == .packageNotFound)
        _ = try await registry.packages.createPackage("lib", in: "team", by: alice)
        #expect(await Self.code {
            _ = try await registry.publishing.enqueuePublish(scope: "team", name: "lib", version: "1.0.0", configPath: "/jsr.json", tarball: tarball, by: bob)
        } == .actorNotScopeMember)
        #expect(await Self.code {
            _ = try await registry.publishing.enqueuePublish(scope: "team", name: "lib", version: "1.0", configPath: "/jsr.json", tarball: tarball, by: alice)
        } == .invalidVersion)
        #expect(try registry.publishing.queuedTaskIds().isEmpty)
    }
}
