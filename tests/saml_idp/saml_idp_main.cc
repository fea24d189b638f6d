// saml_test_idp: the test identity provider of tests/saml_idp/test_idp.h as a command, for the
// end-to-end tests.
//   saml_test_idp keygen DIR CN          writes DIR/key.pem, DIR/cert.pem, DIR/cert.b64
//   saml_test_idp metadata ENTITY DIR    prints IdP metadata with DIR's certificate
//   saml_test_idp sign DIR ID            signs the element with ID in the XML read from stdin
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "saml_idp/test_idp.h"

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Spit(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

irsa::saml_test::IdpKey Load(const std::string& dir) {
  irsa::saml_test::IdpKey key;
  key.key_pem = Slurp(dir + "/key.pem");
  key.cert_pem = Slurp(dir + "/cert.pem");
  key.cert_b64 = Slurp(dir + "/cert.b64");
  return key;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "keygen" && argc == 4) {
    irsa::saml_test::IdpKey key = irsa::saml_test::GenerateIdpKey(argv[3]);
    Spit(std::string(argv[2]) + "/key.pem", key.key_pem);
    Spit(std::string(argv[2]) + "/cert.pem", key.cert_pem);
    Spit(std::string(argv[2]) + "/cert.b64", key.cert_b64);
    return 0;
  }
  if (command == "metadata" && argc == 4) {
    std::cout << irsa::saml_test::MetadataXml(argv[2], Load(argv[3]).cert_b64);
    return 0;
  }
  if (command == "sign" && argc == 4) {
    std::stringstream in;
    in << std::cin.rdbuf();
    auto signed_xml = irsa::saml_test::SignElement(in.str(), argv[3], Load(argv[2]));
    if (!signed_xml.ok()) {
      std::cerr << signed_xml.error().message() << "\n";
      return 1;
    }
    std::cout << *signed_xml;
    return 0;
  }
  std::cerr << "usage: saml_test_idp keygen DIR CN | metadata ENTITY DIR | sign DIR ID < xml\n";
  return 2;
}
