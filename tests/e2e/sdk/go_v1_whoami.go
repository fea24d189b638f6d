// The Go SDK v1 (Debian's golang-github-aws-aws-sdk-go-dev), unmodified default credential chain:
// prints the caller's ARN from STS GetCallerIdentity. Built by tests/e2e/test_sdk_matrix.py with
// GO111MODULE=off GOPATH=/usr/share/gocode.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/sts"
)

func main() {
	sess, err := session.NewSession()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := sts.New(sess).GetCallerIdentity(&sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(*out.Arn)
}
