package plan

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"gopkg.in/yaml.v3"
)

// WithCiphertext returns the stack file stackFile with values stored under
// key as `pulumi config set --secret --path 'KEY.NAME' VALUE` stores them
// with the passphrase secrets provider: an encryptionsalt, and each value as
// {secure: v1:NONCE:CIPHERTEXT}, encrypted with the SDK's own AES-256-GCM
// crypter. The key is random and thrown away: the ciphertext is real, and
// nobody can decrypt it, as a plan never can. Tests use it to check that a
// stack file holding committed ciphertext plans.
func WithCiphertext(stackFile []byte, key string, values map[string]string) ([]byte, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(stackFile, &doc); err != nil {
		return nil, err
	}
	cfg, _ := doc["config"].(map[string]any)
	if cfg == nil {
		cfg = map[string]any{}
		doc["config"] = cfg
	}
	secret := make([]byte, config.SymmetricCrypterKeyBytes)
	salt := make([]byte, 8)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	crypter := config.NewSymmetricCrypter(secret)
	ctx := context.Background()
	check, err := crypter.EncryptValue(ctx, "pulumi")
	if err != nil {
		return nil, err
	}
	doc["encryptionsalt"] = fmt.Sprintf("v1:%s:%s", base64.StdEncoding.EncodeToString(salt), check)
	secure := map[string]any{}
	for name, v := range values {
		ct, err := crypter.EncryptValue(ctx, v)
		if err != nil {
			return nil, err
		}
		secure[name] = map[string]any{"secure": ct}
	}
	cfg[key] = secure
	return yaml.Marshal(doc)
}
