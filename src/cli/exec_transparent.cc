#include "cli/exec_transparent.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kube/webhook_extras.h"

namespace irsa::cli {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  if (!out.flush()) return errors::ServiceFailure("cannot write " + path);
  return OkStatus();
}

bool WriteSmallFile(const char* path, const std::string& content) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok =
      ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ::close(fd);
  return ok;
}

constexpr const char* kSystemBundles[] = {"/etc/ssl/certs/ca-certificates.crt",
                                          "/etc/pki/tls/certs/ca-bundle.crt"};

}  // namespace

std::string IdentityMap(unsigned id) {
  return std::to_string(id) + " " + std::to_string(id) + " 1\n";
}

Result<TransparentFiles> PrepareTransparent(const std::string& dir, const std::string& https_url,
                                            const std::string& irsa_ca,
                                            const std::vector<std::string>& regions) {
  const std::string how =
      " (transparent mode sends the AWS host names to irsa's HTTPS listener, which must be on "
      "port 443 of an IP address: e.g. irsa serve --listen-tls 127.0.0.1:443)";
  if (https_url.empty()) {
    return errors::InvalidParameterValue("irsa has no HTTPS endpoint in endpoints.json" + how);
  }
  std::string rest = https_url.substr(https_url.find("://") + 3);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t colon = rest.rfind(':');
  std::string host = rest.substr(0, colon), port = rest.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  unsigned char buffer[16];
  const bool ip = ::inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
                  ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
  if (colon == std::string::npos || port != "443" || !ip) {
    return errors::InvalidParameterValue("irsa's HTTPS endpoint is " + https_url + how);
  }
  TransparentFiles files;
  files.address = host;
  files.hosts = dir + "/hosts";
  files.ca_bundle = dir + "/ca-bundle.pem";
  std::string hosts = ReadFile("/etc/hosts");
  if (!hosts.empty() && hosts.back() != '\n') hosts += '\n';
  hosts += "# irsa exec --transparent\n" + host;
  for (const std::string& name : kube::TransparentHostNames(regions)) hosts += " " + name;
  hosts += "\n";
  IRSA_RETURN_IF_ERROR(WriteFile(files.hosts, hosts));
  const std::string nsswitch = ReadFile("/etc/nsswitch.conf");
  if (!nsswitch.empty()) {
    std::istringstream lines(nsswitch);
    std::string line, out;
    bool replaced = false;
    while (std::getline(lines, line)) {
      if (line.rfind("hosts:", 0) == 0) {
        line = "hosts: files dns";
        replaced = true;
      }
      out += line + "\n";
    }
    if (!replaced) out += "hosts: files dns\n";
    files.nsswitch = dir + "/nsswitch.conf";
    IRSA_RETURN_IF_ERROR(WriteFile(files.nsswitch, out));
  }
  const std::string ca = ReadFile(irsa_ca);
  if (ca.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return errors::InvalidParameterValue("no CA certificate in " + irsa_ca +
                                         " (irsa's generated CA, endpoints.json \"ca_bundle\")");
  }
  std::string bundle;
  for (const char* system : kSystemBundles) {
    bundle = ReadFile(system);
    if (!bundle.empty()) break;
  }
  if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
  IRSA_RETURN_IF_ERROR(WriteFile(files.ca_bundle, bundle + ca));
  return files;
}

const char* EnterTransparentNamespace(const TransparentFiles& files, const std::string& uid_map,
                                      const std::string& gid_map) {
  if (::unshare(CLONE_NEWNS) != 0) {
    if (errno != EPERM) return "unshare(CLONE_NEWNS)";
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
      return "unshare(CLONE_NEWUSER|CLONE_NEWNS) (unprivileged user namespaces disabled?)";
    }
    if (!WriteSmallFile("/proc/self/setgroups", "deny") ||
        !WriteSmallFile("/proc/self/uid_map", uid_map) ||
        !WriteSmallFile("/proc/self/gid_map", gid_map)) {
      return "writing the user namespace's uid/gid maps";
    }
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return "making the mount namespace private";
  }
  if (::mount(files.hosts.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0) {
    return "bind-mounting /etc/hosts";
  }
  if (!files.nsswitch.empty() &&
      ::mount(files.nsswitch.c_str(), "/etc/nsswitch.conf", nullptr, MS_BIND, nullptr) != 0) {
    return "bind-mounting /etc/nsswitch.conf";
  }
  return nullptr;
}

}  // namespace irsa::cli
