// The store helpers came from here before they had a target of their own: the server tests keep
// reaching them through this one import.
@_exported import StoreTestSupport
