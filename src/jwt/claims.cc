#include "jwt/claims.h"

#include <limits>

#include "base/error.h"
#include "jwt/jws.h"

namespace irsa::jwt {
namespace {

Error Bad(std::string message) { return errors::InvalidIdentityToken(std::move(message)); }

std::string Q(std::string_view name) { return "claim \"" + std::string(name) + "\""; }

Result<std::optional<std::string>> NestedString(const boost::json::object& obj,
                                                std::string_view name, std::string_view path) {
  const boost::json::value* v = obj.if_contains(name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return Bad(Q(path) + " must be a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::string> RequiredNestedString(const boost::json::object& obj, std::string_view name,
                                         std::string_view path) {
  IRSA_TRY(std::optional<std::string> s, NestedString(obj, name, path));
  if (!s) return Bad("Missing a required claim: " + std::string(path));
  return std::move(*s);
}

}  // namespace

const boost::json::object* FindObject(const boost::json::object& obj, std::string_view name) {
  const boost::json::value* v = obj.if_contains(name);
  if (v == nullptr || !v->is_object()) return nullptr;
  return &v->get_object();
}

Result<std::optional<std::string>> GetStringClaim(const boost::json::object& claims,
                                                  std::string_view name) {
  return NestedString(claims, name, name);
}

Result<std::optional<int64_t>> GetNumericDate(const boost::json::object& claims,
                                              std::string_view name) {
  const boost::json::value* v = claims.if_contains(name);
  if (v == nullptr) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
  if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Bad(Q(name) + " is out of range");
    }
    return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
  }
  if (v->is_double()) return Bad(Q(name) + " must be an integer NumericDate, not a fraction");
  return Bad(Q(name) + " must be a NumericDate (integer seconds since the epoch)");
}

Result<std::optional<std::vector<std::string>>> GetAudiences(const boost::json::object& claims) {
  using Out = std::optional<std::vector<std::string>>;
  const boost::json::value* v = claims.if_contains("aud");
  if (v == nullptr) return Out();
  if (v->is_string()) return Out(std::vector<std::string>{std::string(v->get_string())});
  if (!v->is_array()) return Bad(Q("aud") + " must be a string or an array of strings");
  const boost::json::array& array = v->get_array();
  if (array.empty()) return Bad(Q("aud") + " is an empty array");
  std::vector<std::string> out;
  out.reserve(array.size());
  for (const boost::json::value& item : array) {
    if (!item.is_string()) return Bad(Q("aud") + " array must contain only strings");
    out.emplace_back(item.get_string());
  }
  return Out(std::move(out));
}

Result<StandardClaims> GetStandardClaims(const boost::json::object& claims) {
  StandardClaims out;
  IRSA_TRY(out.iss, GetStringClaim(claims, "iss"));
  IRSA_TRY(out.sub, GetStringClaim(claims, "sub"));
  IRSA_TRY(out.jti, GetStringClaim(claims, "jti"));
  IRSA_TRY(out.azp, GetStringClaim(claims, "azp"));
  IRSA_TRY(out.aud, GetAudiences(claims));
  IRSA_TRY(out.exp, GetNumericDate(claims, "exp"));
  IRSA_TRY(out.nbf, GetNumericDate(claims, "nbf"));
  IRSA_TRY(out.iat, GetNumericDate(claims, "iat"));
  return out;
}

Status RequireClaims(const StandardClaims& claims) {
  if (!claims.iss) return Bad("Missing a required claim: iss");
  if (!claims.sub) return Bad("Missing a required claim: sub");
  if (!claims.aud) return Bad("Missing a required claim: aud");
  if (!claims.exp) return Bad("Missing a required claim: exp");
  return OkStatus();
}

Status CheckTimes(const StandardClaims& claims, int64_t now, int64_t skew_seconds) {
  if (claims.exp && *claims.exp <= now - skew_seconds) {
    return errors::ExpiredTokenException("Token expired: current date/time " + std::to_string(now) +
                                         " must be before the expiration date/time " +
                                         std::to_string(*claims.exp));
  }
  if (claims.nbf && *claims.nbf > now + skew_seconds) {
    return Bad("Token is not yet valid: nbf " + std::to_string(*claims.nbf) +
               " is after the current time " + std::to_string(now));
  }
  if (claims.iat && *claims.iat > now + skew_seconds) {
    return Bad("Token was issued in the future: iat " + std::to_string(*claims.iat) +
               " is after the current time " + std::to_string(now));
  }
  return OkStatus();
}

Result<std::optional<KubernetesClaims>> GetKubernetesClaims(const boost::json::object& claims) {
  using Out = std::optional<KubernetesClaims>;
  const boost::json::value* v = claims.if_contains("kubernetes.io");
  if (v == nullptr) return Out();
  if (!v->is_object()) return Bad(Q("kubernetes.io") + " must be an object");
  const boost::json::object& k8s = v->get_object();
  KubernetesClaims out;
  IRSA_TRY(out.namespace_name, RequiredNestedString(k8s, "namespace", "kubernetes.io.namespace"));
  const boost::json::value* sa = k8s.if_contains("serviceaccount");
  if (sa == nullptr) return Bad("Missing a required claim: kubernetes.io.serviceaccount");
  if (!sa->is_object()) return Bad(Q("kubernetes.io.serviceaccount") + " must be an object");
  IRSA_TRY(out.service_account_name,
           RequiredNestedString(sa->get_object(), "name", "kubernetes.io.serviceaccount.name"));
  IRSA_TRY(out.service_account_uid,
           RequiredNestedString(sa->get_object(), "uid", "kubernetes.io.serviceaccount.uid"));
  struct Bound {
    const char* key;
    std::optional<std::string>* name;
    std::optional<std::string>* uid;
  };
  for (const Bound& b :
       {Bound{"pod", &out.pod_name, &out.pod_uid}, Bound{"node", &out.node_name, &out.node_uid},
        Bound{"secret", &out.secret_name, &out.secret_uid}}) {
    const boost::json::value* o = k8s.if_contains(b.key);
    if (o == nullptr) continue;
    std::string path = std::string("kubernetes.io.") + b.key;
    if (!o->is_object()) return Bad(Q(path) + " must be an object");
    IRSA_TRY(*b.name, NestedString(o->get_object(), "name", path + ".name"));
    IRSA_TRY(*b.uid, NestedString(o->get_object(), "uid", path + ".uid"));
  }
  return Out(std::move(out));
}

}  // namespace irsa::jwt
