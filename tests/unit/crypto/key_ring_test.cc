#include "crypto/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "base/encoding.h"

namespace irsa::crypto {
namespace {

TEST(KeyRing, SealOpenAndBlobLayout) {
  SeededRandom random(1);
  KeyRing ring(random);
  ASSERT_TRUE(ring.AddKey("k1", random.Bytes(32)).ok());
  EXPECT_EQ(ring.current_id(), "k1");
  std::string sealed = *ring.Seal("hello", "aad");
  EXPECT_EQ(sealed[0], '\x01');
  EXPECT_EQ(sealed[1], '\x02');
  EXPECT_EQ(sealed.substr(2, 2), "k1");
  EXPECT_EQ(sealed.size(), 4 + 5 + 28u);
  EXPECT_EQ(*KeyRing::SealedKeyId(sealed), "k1");
  EXPECT_EQ(*ring.Open(sealed, "aad"), "hello");
  EXPECT_FALSE(ring.Open(sealed, "other").ok());
}

TEST(KeyRing, EmptyRingCannotSeal) {
  KeyRing ring;
  EXPECT_TRUE(ring.empty());
  EXPECT_FALSE(ring.Seal("x").ok());
}

TEST(KeyRing, TamperingAnyByteFails) {
  SeededRandom random(2);
  KeyRing ring(random);
  ring.Rotate();
  std::string sealed = *ring.Seal("secret session", "");
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string t = sealed;
    t[i] = static_cast<char>(t[i] ^ 0x20);
    EXPECT_FALSE(ring.Open(t).ok()) << "byte " << i;
  }
}

TEST(KeyRing, UnknownKeyIdAndVersion) {
  SeededRandom random(3);
  KeyRing a(random), b(random);
  ASSERT_TRUE(a.AddKey("alpha", random.Bytes(32)).ok());
  ASSERT_TRUE(b.AddKey("beta", random.Bytes(32)).ok());
  auto r = b.Open(*a.Seal("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "sealed data names unknown key id 'alpha'");
  std::string bad_version = *a.Seal("x");
  bad_version[0] = 2;
  EXPECT_NE(a.Open(bad_version).error().message().find("unsupported sealed data version 2"),
            std::string::npos);
  EXPECT_FALSE(a.Open("").ok());
  EXPECT_FALSE(a.Open("\x01").ok());
  EXPECT_FALSE(a.Open(std::string("\x01\x05"
                                  "alpha",
                                  7))
                   .ok());
}

TEST(KeyRing, RotationKeepsOldKeysOpening) {
  SeededRandom random(4);
  KeyRing ring(random);
  std::string first = ring.Rotate();
  std::string old_blob = *ring.Seal("old", "");
  std::string second = ring.Rotate();
  EXPECT_NE(first, second);
  EXPECT_EQ(ring.current_id(), second);
  std::string new_blob = *ring.Seal("new", "");
  EXPECT_EQ(*KeyRing::SealedKeyId(new_blob), second);
  EXPECT_EQ(*ring.Open(old_blob), "old");
  EXPECT_EQ(*ring.Open(new_blob), "new");
  EXPECT_FALSE(ring.RemoveKey(second).ok()) << "current key cannot be removed";
  ASSERT_TRUE(ring.RemoveKey(first).ok());
  EXPECT_FALSE(ring.Open(old_blob).ok());
  EXPECT_EQ(ring.key_ids().size(), 1u);
}

TEST(KeyRing, AddKeyValidation) {
  KeyRing ring;
  EXPECT_FALSE(ring.AddKey("", std::string(32, 'a')).ok());
  EXPECT_FALSE(ring.AddKey("bad id", std::string(32, 'a')).ok());
  EXPECT_FALSE(ring.AddKey(std::string(65, 'a'), std::string(32, 'a')).ok());
  EXPECT_FALSE(ring.AddKey("k", std::string(31, 'a')).ok());
  auto r = ring.AddKey("k", std::string(33, 'a'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().find("aaaa"), std::string::npos) << "no key bytes in message";
  ASSERT_TRUE(ring.AddKey("k", std::string(32, 'a')).ok());
  EXPECT_FALSE(ring.AddKey("k", std::string(32, 'b')).ok());
  EXPECT_FALSE(ring.SetCurrent("missing").ok());
}

TEST(KeyRing, SerializeParseRoundTrip) {
  SeededRandom random(5);
  KeyRing ring(random);
  std::string k1 = ring.Rotate();
  std::string blob = *ring.Seal("data", "");
  std::string k2 = ring.Rotate();
  std::string text = ring.Serialize();
  auto parsed = KeyRing::Parse(text, random);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->current_id(), k2);
  EXPECT_EQ(parsed->key_ids(), ring.key_ids());
  EXPECT_EQ(*parsed->Open(blob), "data");
  EXPECT_EQ(parsed->Serialize(), text);
}

TEST(KeyRing, ParseRejectsGarbage) {
  EXPECT_FALSE(KeyRing::Parse("").ok());
  EXPECT_FALSE(KeyRing::Parse("irsa-keyring v1\n").ok());
  EXPECT_FALSE(KeyRing::Parse("irsa-keyring v2\ncurrent a\n").ok());
  EXPECT_FALSE(KeyRing::Parse("irsa-keyring v1\ncurrent a\n").ok()) << "no keys";
  std::string key = Base64Encode(std::string(32, 'x'));
  EXPECT_TRUE(KeyRing::Parse("irsa-keyring v1\ncurrent a\nkey a " + key + "\n").ok());
  EXPECT_FALSE(KeyRing::Parse("irsa-keyring v1\ncurrent b\nkey a " + key + "\n").ok());
  EXPECT_FALSE(KeyRing::Parse("irsa-keyring v1\ncurrent a\nkey a !!!\n").ok());
  EXPECT_FALSE(KeyRing::Parse("irsa-keyring v1\ncurrent a\nkey a " + key + " extra\n").ok());
  EXPECT_FALSE(
      KeyRing::Parse("irsa-keyring v1\ncurrent a\nkey a " + key + "\nkey a " + key + "\n").ok());
}

TEST(MasterKey, SealsKeyRing) {
  SeededRandom random(6);
  MasterKey master = MasterKey::Generate(random);
  EXPECT_EQ(master.id().substr(0, 3), "mk-");
  EXPECT_EQ(master.id().size(), 19u);
  KeyRing ring(random);
  ring.Rotate();
  std::string sealed = *master.Seal(ring.Serialize(), "keyring");
  auto reopened = MasterKey::FromBase64(master.ToBase64(), random);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->id(), master.id());
  auto text = reopened->Open(sealed, "keyring");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, ring.Serialize());
  MasterKey other = MasterKey::Generate(random);
  auto wrong = other.Open(sealed, "keyring");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message().find("unknown key id"), std::string::npos);
}

TEST(MasterKey, FromBase64Validation) {
  EXPECT_FALSE(MasterKey::FromBase64("not base64!").ok());
  EXPECT_FALSE(MasterKey::FromBase64(Base64Encode(std::string(16, 'a'))).ok());
  EXPECT_TRUE(MasterKey::FromBase64("  " + Base64Encode(std::string(32, 'a')) + "\n").ok());
}

TEST(MasterKey, LoadOrCreateFile) {
  std::string dir = ::testing::TempDir();
  std::string path = dir + "/irsa_master_key_test_" + std::to_string(::getpid());
  std::remove(path.c_str());
  SeededRandom random(8);
  auto created = MasterKey::LoadOrCreateFile(path, random);
  ASSERT_TRUE(created.ok()) << created.error().message();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = MasterKey::LoadOrCreateFile(path, random);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->ToBase64(), created->ToBase64());
  {
    std::ofstream f(path, std::ios::trunc);
    f << "garbage";
  }
  auto bad = MasterKey::LoadOrCreateFile(path, random);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find(path), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace irsa::crypto
