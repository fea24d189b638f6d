// The Store: transactional persistence of irsa's entities, engine-agnostic (SQLite embedded,
// PostgreSQL for several nodes).
//
// Model: every entity is a Row in one logical table, addressed by (account, kind, parent, key).
//  - account: owning account id ("" for global entities such as the key ring).
//  - kind:    entity type, e.g. "user", "access_key", "role", "policy", "policy_version",
//             "role_policy_attachment", "role_inline_policy", "oidc_provider", "cluster".
//  - parent:  key of the owning entity ("" for top-level), e.g. the role key for an inline policy.
//  - key:     identity within (account, kind, parent). Callers pass it already normalised
//             (e.g. lower-cased role names, so uniqueness is case-insensitive as in IAM).
// Secondary columns: `ref` (indexed; e.g. the policy ARN of an attachment, for reverse lookups),
// `path` (IAM path, for PathPrefix filters), `body` (the record, serialised JSON, opaque to the
// store) and `secret` (bytes sealed at rest with the master key; plaintext in memory only).
//
// Transactions: Read() and Write() run a function against a StoreTx. A Write either commits every
// change the function made (when it returns ok) or none (when it returns an error, throws, or the
// process dies). An acknowledged commit is durable (survives kill -9). Writes are serialised with
// respect to each other per store; reads see a consistent snapshot.
//
// Errors: engine failures are ServiceFailure (HTTP 500) with a message that names the operation,
// never the data. Conflicts are reported as described per method.
//
// Thread-safety: Store is safe to use from many threads; a StoreTx belongs to one call of the
// function passed to Read/Write and must not escape it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace irsa::store {

struct RowId {
  std::string account;
  std::string kind;
  std::string parent;
  std::string key;
  bool operator==(const RowId&) const = default;
};

struct Row {
  RowId id;
  std::string ref;
  std::string path;
  std::string body;
  std::string secret;   // sealed at rest; empty if none
  int64_t version = 0;  // set by the store: increases on every write of this row
};

struct ListQuery {
  std::string account;
  std::string kind;
  std::optional<std::string> parent;       // unset: any parent
  std::optional<std::string> ref;          // unset: any ref
  std::optional<std::string> path_prefix;  // unset: any path
  std::string after_key;                   // exclusive lower bound on key ("" = from the start)
  size_t limit = 100;                      // at most this many rows, ordered by (parent, key)
};

// Whether the engines answer Count(query) from their maintained counters (one lookup) rather
// than by scanning: a whole kind of an account, or a kind by a non-empty ref. Any other filter
// (parent, path prefix, an empty ref) scans the matching index range.
inline bool IsMaintainedCount(const ListQuery& query) {
  return !query.parent && (!query.path_prefix || query.path_prefix->empty()) &&
         (!query.ref || !query.ref->empty());
}

struct Page {
  std::vector<Row> rows;
  bool truncated = false;  // more rows match after the last one returned
};

class StoreTx {
 public:
  virtual ~StoreTx() = default;

  virtual Result<std::optional<Row>> Get(const RowId& id) = 0;
  // Rows of `kind` with this key in any account and under any parent, e.g. an access key id.
  virtual Result<std::vector<Row>> FindByKey(const std::string& kind, const std::string& key) = 0;
  virtual Result<Page> List(const ListQuery& query) = 0;
  // Ignores after_key and limit. O(1) where IsMaintainedCount(query); otherwise proportional to
  // the rows in the filtered index range.
  virtual Result<int64_t> Count(const ListQuery& query) = 0;

  // Inserts a new row. If a row with the same id exists: returns EntityAlreadyExists (409)
  // with an empty message (the caller supplies the user-facing one) and changes nothing.
  virtual Status Insert(const Row& row) = 0;
  // Inserts or replaces.
  virtual Status Upsert(const Row& row) = 0;
  // Deletes the row; returns whether it existed.
  virtual Result<bool> Delete(const RowId& id) = 0;
  // Deletes every row of (account, kind, parent); returns how many.
  virtual Result<int64_t> DeleteChildren(const std::string& account, const std::string& kind,
                                         const std::string& parent) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Status Read(const std::function<Status(StoreTx&)>& fn) = 0;
  // A Read for hot lookups of a few rows (GetRole, GetUser, a policy, a provider): the engine may
  // answer Get() from memory (PostgreSQL's row cache), and `fn` may run more than once, so it
  // must have no effects outside the StoreTx other than (re)assigning its results. What `fn`
  // sees is as consistent as in Read: one committed state of the store.
  virtual Status ReadCached(const std::function<Status(StoreTx&)>& fn) { return Read(fn); }
  virtual Status Write(const std::function<Status(StoreTx&)>& fn) = 0;
  // Deletes every row (test-suite reset endpoint only).
  virtual Status Reset() = 0;
  // Monotonic counter bumped by every committed Write, on this node or (for shared engines)
  // any node; caches compare it to decide whether to reload. Cheap to call.
  virtual int64_t Generation() = 0;
};

// Seals and opens the `secret` column. Implementations use an AEAD with the master key.
class SecretSealer {
 public:
  virtual ~SecretSealer() = default;
  virtual std::string Seal(const std::string& plaintext) const = 0;
  virtual Result<std::string> Open(const std::string& sealed) const = 0;
};

}  // namespace irsa::store
