// A whole sign-in journey against passwordless-endpoint through the AWS SDK for Go v1's typed Cognito client
// (github.com/aws/aws-sdk-go/service/cognitoidentityprovider, as Debian 12 ships it), unmodified: every answer must
// parse into the SDK's output type and every refusal into its typed error, with Cognito's code and message.
//
//	sdk-go-v1 -endpoint http://127.0.0.1:PORT -outbox FILE
//
// Run by Tests/EndpointTests/EndpointTests.swift against an endpoint it starts (--no-template, --outbox FILE).
// It prints what it checked, never a code or a token, and exits 1 at the first check that fails.
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	idp "github.com/aws/aws-sdk-go/service/cognitoidentityprovider"
)

var (
	endpoint     = flag.String("endpoint", "", "the endpoint's URL")
	outbox       = flag.String("outbox", "", "the endpoint's --outbox file")
	pool         = flag.String("pool", "us-east-1_LocalPool", "the user pool id")
	client       = flag.String("client", "passwordlesslocalclient", "the sign-in app client")
	signUpClient = flag.String("sign-up-client", "passwordlesslocalsignup", "the sign-up app client")
	checks       = 0
	cognito      *idp.CognitoIdentityProvider
)

func check(ok bool, format string, args ...interface{}) {
	if !ok {
		fmt.Fprintf(os.Stderr, "FAILED after %d checks: %s\n", checks, fmt.Sprintf(format, args...))
		os.Exit(1)
	}
	checks++
}

// refused checks that err is the SDK's typed error E with Cognito's code and message, on an HTTP 400.
func refused[E any, P interface {
	*E
	awserr.RequestFailure
}](err error, code, message, what string) {
	var typed P
	check(errors.As(err, &typed), "%s: want the SDK's %s, got %T: %v", what, code, err, err)
	check(typed.Code() == code && typed.Message() == message, "%s: got %s %q", what, typed.Code(), typed.Message())
	check(typed.StatusCode() == 400, "%s: HTTP %d", what, typed.StatusCode())
}

// sent is what the endpoint's outbox holds for one destination, oldest first: the messages' codes.
func sent(destination string, length int) []string {
	data, err := os.ReadFile(*outbox)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	check(err == nil, "reading the outbox: %v", err)
	var codes []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var message struct{ Channel, Destination, Message string }
		check(json.Unmarshal([]byte(line), &message) == nil, "an outbox line that is not JSON")
		if message.Destination != destination {
			continue
		}
		_, after, found := strings.Cut(message.Message, " is ")
		check(found && len(after) >= length, "a message without a code")
		codes = append(codes, after[:length])
	}
	return codes
}

// claims are the payload of a JWT the endpoint issued (its signature is checked by client_test.py's PyJWT).
func claims(token *string) map[string]interface{} {
	check(token != nil, "a token")
	parts := strings.Split(*token, ".")
	check(len(parts) == 3, "a JWT of three parts")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	check(err == nil, "a base64url payload")
	var decoded map[string]interface{}
	check(json.Unmarshal(payload, &decoded) == nil, "a JSON payload")
	return decoded
}

func attribute(attributes []*idp.AttributeType, name string) string {
	for _, a := range attributes {
		if aws.StringValue(a.Name) == name {
			return aws.StringValue(a.Value)
		}
	}
	return ""
}

// wrongFor is a code of the same length that is not code.
func wrongFor(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

func start(username string) *idp.InitiateAuthOutput {
	out, err := cognito.InitiateAuth(&idp.InitiateAuthInput{
		ClientId: client, AuthFlow: aws.String(idp.AuthFlowTypeCustomAuth),
		AuthParameters: map[string]*string{"USERNAME": aws.String(username)},
	})
	check(err == nil, "InitiateAuth CUSTOM_AUTH: %v", err)
	check(aws.StringValue(out.ChallengeName) == idp.ChallengeNameTypeCustomChallenge && out.AuthenticationResult == nil,
		"a code challenge, got %q", aws.StringValue(out.ChallengeName))
	check(len(aws.StringValue(out.Session)) >= 20, "a session token")
	parameters := aws.StringValueMap(out.ChallengeParameters)
	check(parameters["step"] == "code" && parameters["channel"] == "sms" && parameters["codeLength"] == "6",
		"the public challenge parameters: step %q channel %q codeLength %q",
		parameters["step"], parameters["channel"], parameters["codeLength"])
	check(parameters["USERNAME"] != "" && !strings.ContainsAny(parameters["destination"], "0123456789"),
		"USERNAME, and a destination that shows no digit")
	return out
}

func answer(challenge *idp.InitiateAuthOutput, session *string, code string) (*idp.RespondToAuthChallengeOutput, error) {
	return cognito.RespondToAuthChallenge(&idp.RespondToAuthChallengeInput{
		ClientId: client, ChallengeName: aws.String(idp.ChallengeNameTypeCustomChallenge), Session: session,
		ChallengeResponses: map[string]*string{
			"USERNAME": challenge.ChallengeParameters["USERNAME"], "ANSWER": aws.String(code),
		},
	})
}

// signIn runs CUSTOM_AUTH with the code the outbox got, and checks the tokens it answers.
func signIn(phone, userName string) *idp.AuthenticationResultType {
	before := len(sent(phone, 6))
	challenge := start(phone)
	codes := sent(phone, 6)
	check(len(codes) == before+1, "one new message to the phone")
	out, err := answer(challenge, challenge.Session, codes[len(codes)-1])
	check(err == nil, "RespondToAuthChallenge with the right code: %v", err)
	check(out.ChallengeName == nil && out.Session == nil && len(out.ChallengeParameters) == 0, "no further challenge")
	result := out.AuthenticationResult
	check(result != nil && aws.StringValue(result.TokenType) == "Bearer" && aws.Int64Value(result.ExpiresIn) == 3600,
		"AuthenticationResult with TokenType Bearer and ExpiresIn 3600")
	check(aws.StringValue(result.RefreshToken) != "", "a refresh token")
	id, access := claims(result.IdToken), claims(result.AccessToken)
	check(id["token_use"] == "id" && id["aud"] == *client && id["cognito:username"] == userName, "the ID token's claims")
	check(access["token_use"] == "access" && access["client_id"] == *client && access["username"] == userName,
		"the access token's claims")
	check(id["phone_number"] == phone && id["phone_number_verified"] == true, "the ID token's phone_number")
	return result
}

func refresh(token *string) (*idp.InitiateAuthOutput, error) {
	return cognito.InitiateAuth(&idp.InitiateAuthInput{
		ClientId: client, AuthFlow: aws.String(idp.AuthFlowTypeRefreshTokenAuth),
		AuthParameters: map[string]*string{"REFRESH_TOKEN": token},
	})
}

func main() {
	flag.Parse()
	check(*endpoint != "" && *outbox != "", "usage: sdk-go-v1 -endpoint URL -outbox FILE")
	// The SDK's HTTP client waits without end by default: an endpoint that never answers fails the run instead.
	time.AfterFunc(5*time.Minute, func() {
		fmt.Fprintln(os.Stderr, "FAILED: the run took over 5 minutes")
		os.Exit(1)
	})
	sess, err := session.NewSessionWithOptions(session.Options{
		Config: aws.Config{
			Endpoint: endpoint, Region: aws.String("us-east-1"),
			Credentials: credentials.NewStaticCredentials("AKIDEXAMPLE", "secret", ""),
		},
		SharedConfigState: session.SharedConfigDisable,
	})
	check(err == nil, "a session: %v", err)
	cognito = idp.New(sess)
	fmt.Printf("AWS SDK for Go v1 %s\n", aws.SDKVersion)
	phone, second := "+15555550100", "+15555550101"
	began := time.Now().Add(-time.Minute)

	// AdminCreateUser (signed), MessageAction SUPPRESS, the phone verified by the administrator.
	made, err := cognito.AdminCreateUser(&idp.AdminCreateUserInput{
		UserPoolId: pool, Username: aws.String(phone), MessageAction: aws.String(idp.MessageActionTypeSuppress),
		UserAttributes: []*idp.AttributeType{{Name: aws.String("phone_number_verified"), Value: aws.String("true")}},
	})
	check(err == nil, "AdminCreateUser: %v", err)
	user := made.User
	userName := aws.StringValue(user.Username)
	check(userName != "" && userName != phone, "a generated user name (sign-in by phone)")
	check(aws.StringValue(user.UserStatus) == idp.UserStatusTypeForceChangePassword && aws.BoolValue(user.Enabled),
		"FORCE_CHANGE_PASSWORD and enabled, got %s", aws.StringValue(user.UserStatus))
	check(user.UserCreateDate != nil && user.UserCreateDate.After(began) && !user.UserLastModifiedDate.Before(*user.UserCreateDate),
		"UserCreateDate and UserLastModifiedDate as timestamps")
	check(attribute(user.Attributes, "phone_number") == phone && attribute(user.Attributes, "phone_number_verified") == "true",
		"the phone, verified")
	check(attribute(user.Attributes, "sub") == userName, "sub")
	_, err = cognito.AdminCreateUser(&idp.AdminCreateUserInput{
		UserPoolId: pool, Username: aws.String(phone), MessageAction: aws.String(idp.MessageActionTypeSuppress),
	})
	refused[idp.UsernameExistsException](err, "UsernameExistsException", "An account with the given phone_number already exists.",
		"AdminCreateUser of a taken phone")
	_, err = cognito.AdminSetUserPassword(&idp.AdminSetUserPasswordInput{
		UserPoolId: pool, Username: aws.String(phone), Password: aws.String("short"), Permanent: aws.Bool(true),
	})
	refused[idp.InvalidPasswordException](err, "InvalidPasswordException",
		"Password did not conform with policy: Password not long enough", "AdminSetUserPassword with a short password")
	_, err = cognito.AdminSetUserPassword(&idp.AdminSetUserPasswordInput{
		UserPoolId: pool, Username: aws.String(phone), Password: aws.String("Perm4nent!pass"), Permanent: aws.Bool(true),
	})
	check(err == nil, "AdminSetUserPassword: %v", err)
	fmt.Printf("%d: AdminCreateUser, AdminSetUserPassword\n", checks)

	// InitiateAuth CUSTOM_AUTH, a wrong code (asked again, nothing sent), then the right code from the outbox.
	challenge := start(phone)
	check(aws.StringValue(challenge.ChallengeParameters["USERNAME"]) == userName, "USERNAME is the account's user name")
	codes := sent(phone, 6)
	check(len(codes) == 1, "one message sent")
	wrong, err := answer(challenge, challenge.Session, wrongFor(codes[0]))
	check(err == nil, "RespondToAuthChallenge with a wrong code: %v", err)
	check(aws.StringValue(wrong.ChallengeName) == idp.ChallengeNameTypeCustomChallenge && wrong.AuthenticationResult == nil,
		"a wrong code gets the challenge again")
	check(aws.StringValue(wrong.Session) != "" && aws.StringValue(wrong.Session) != aws.StringValue(challenge.Session),
		"a new session token")
	check(len(sent(phone, 6)) == 1, "and nothing sent")
	_, err = answer(challenge, challenge.Session, codes[0])
	refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "Incorrect username or password.",
		"a session token used twice")
	right, err := answer(challenge, wrong.Session, codes[0])
	check(err == nil, "RespondToAuthChallenge with the right code: %v", err)
	result := right.AuthenticationResult
	check(result != nil && aws.StringValue(result.TokenType) == "Bearer" && aws.Int64Value(result.ExpiresIn) == 3600,
		"tokens after the right code")
	first := claims(result.AccessToken)
	check(first["username"] == userName && first["client_id"] == *client, "the access token's claims")
	fmt.Printf("%d: CUSTOM_AUTH, a wrong code, the right code\n", checks)

	// GetUser with the access token.
	me, err := cognito.GetUser(&idp.GetUserInput{AccessToken: result.AccessToken})
	check(err == nil, "GetUser: %v", err)
	check(aws.StringValue(me.Username) == userName && attribute(me.UserAttributes, "phone_number") == phone &&
		attribute(me.UserAttributes, "sub") == userName, "GetUser's Username and UserAttributes")
	check(len(me.MFAOptions) == 0 && me.PreferredMfaSetting == nil && len(me.UserMFASettingList) == 0, "no MFA")

	// InitiateAuth REFRESH_TOKEN_AUTH: new ID and access tokens of the same sign-in, no new refresh token.
	renewed, err := refresh(result.RefreshToken)
	check(err == nil, "InitiateAuth REFRESH_TOKEN_AUTH: %v", err)
	check(renewed.ChallengeName == nil && renewed.Session == nil && len(renewed.ChallengeParameters) == 0, "no challenge")
	again := renewed.AuthenticationResult
	check(again != nil && again.RefreshToken == nil && aws.Int64Value(again.ExpiresIn) == 3600, "tokens without a refresh token")
	check(aws.StringValue(again.AccessToken) != aws.StringValue(result.AccessToken), "a new access token")
	check(claims(again.AccessToken)["origin_jti"] == first["origin_jti"], "of the same sign-in")
	me, err = cognito.GetUser(&idp.GetUserInput{AccessToken: again.AccessToken})
	check(err == nil && aws.StringValue(me.Username) == userName, "GetUser with the refreshed token: %v", err)
	// GetTokensFromRefreshToken (2025) is newer than this SDK: its client has no such operation.
	fmt.Printf("%d: GetUser, REFRESH_TOKEN_AUTH\n", checks)

	// GlobalSignOut, then the refusals afterwards.
	_, err = cognito.GlobalSignOut(&idp.GlobalSignOutInput{AccessToken: again.AccessToken})
	check(err == nil, "GlobalSignOut: %v", err)
	for _, token := range []*string{result.AccessToken, again.AccessToken} {
		_, err = cognito.GetUser(&idp.GetUserInput{AccessToken: token})
		refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "Access Token has been revoked", "GetUser after GlobalSignOut")
	}
	_, err = refresh(result.RefreshToken)
	refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "Refresh Token has been revoked", "a refresh after GlobalSignOut")
	_, err = cognito.GlobalSignOut(&idp.GlobalSignOutInput{AccessToken: result.AccessToken})
	refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "Access Token has been revoked", "GlobalSignOut again")
	fmt.Printf("%d: GlobalSignOut and the refusals after it\n", checks)

	// RevokeToken: an access token is not revocable; the refresh token is, with the access tokens issued with it.
	signed := signIn(phone, userName)
	_, err = cognito.RevokeToken(&idp.RevokeTokenInput{ClientId: client, Token: signed.AccessToken})
	refused[idp.UnsupportedTokenTypeException](err, "UnsupportedTokenTypeException", "Only refresh tokens can be revoked.",
		"RevokeToken with an access token")
	_, err = cognito.RevokeToken(&idp.RevokeTokenInput{ClientId: client, Token: signed.RefreshToken})
	check(err == nil, "RevokeToken: %v", err)
	_, err = refresh(signed.RefreshToken)
	refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "Refresh Token has been revoked", "a refresh after RevokeToken")
	_, err = cognito.GetUser(&idp.GetUserInput{AccessToken: signed.AccessToken})
	refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "Access Token has been revoked", "GetUser after RevokeToken")
	fmt.Printf("%d: RevokeToken\n", checks)

	// A second account answers NEW_PASSWORD_REQUIRED after its code (FORCE_CHANGE_PASSWORD), then tokens.
	_, err = cognito.AdminCreateUser(&idp.AdminCreateUserInput{
		UserPoolId: pool, Username: aws.String(second), MessageAction: aws.String(idp.MessageActionTypeSuppress),
		UserAttributes: []*idp.AttributeType{{Name: aws.String("phone_number_verified"), Value: aws.String("true")}},
	})
	check(err == nil, "AdminCreateUser: %v", err)
	challenge = start(second)
	codes = sent(second, 6)
	check(len(codes) == 1, "one message to the second phone")
	asked, err := answer(challenge, challenge.Session, codes[0])
	check(err == nil, "RespondToAuthChallenge: %v", err)
	check(aws.StringValue(asked.ChallengeName) == idp.ChallengeNameTypeNewPasswordRequired && asked.AuthenticationResult == nil,
		"NEW_PASSWORD_REQUIRED, got %q", aws.StringValue(asked.ChallengeName))
	var shown map[string]string
	check(json.Unmarshal([]byte(aws.StringValue(asked.ChallengeParameters["userAttributes"])), &shown) == nil &&
		shown["phone_number"] == second, "userAttributes as JSON")
	done, err := cognito.RespondToAuthChallenge(&idp.RespondToAuthChallengeInput{
		ClientId: client, ChallengeName: aws.String(idp.ChallengeNameTypeNewPasswordRequired), Session: asked.Session,
		ChallengeResponses: map[string]*string{
			"USERNAME": challenge.ChallengeParameters["USERNAME"], "NEW_PASSWORD": aws.String("N3w-passw0rd!"),
		},
	})
	check(err == nil && done.AuthenticationResult != nil && aws.StringValue(done.AuthenticationResult.IdToken) != "",
		"tokens after the new password: %v", err)
	fmt.Printf("%d: NEW_PASSWORD_REQUIRED\n", checks)

	// AdminGetUser and ListUsers.
	got, err := cognito.AdminGetUser(&idp.AdminGetUserInput{UserPoolId: pool, Username: aws.String(phone)})
	check(err == nil, "AdminGetUser: %v", err)
	check(aws.StringValue(got.Username) == userName && aws.StringValue(got.UserStatus) == idp.UserStatusTypeConfirmed &&
		aws.BoolValue(got.Enabled), "AdminGetUser: CONFIRMED and enabled, got %s", aws.StringValue(got.UserStatus))
	check(got.UserCreateDate != nil && got.UserCreateDate.Equal(*user.UserCreateDate) && !got.UserLastModifiedDate.Before(*got.UserCreateDate),
		"AdminGetUser's dates")
	check(attribute(got.UserAttributes, "phone_number") == phone, "AdminGetUser's attributes")
	_, err = cognito.AdminGetUser(&idp.AdminGetUserInput{UserPoolId: pool, Username: aws.String("+15555550199")})
	refused[idp.UserNotFoundException](err, "UserNotFoundException", "User does not exist.", "AdminGetUser of nobody")
	listed, err := cognito.ListUsers(&idp.ListUsersInput{UserPoolId: pool, Filter: aws.String(`phone_number = "` + second + `"`)})
	check(err == nil, "ListUsers: %v", err)
	check(len(listed.Users) == 1 && attribute(listed.Users[0].Attributes, "phone_number") == second &&
		aws.StringValue(listed.Users[0].UserStatus) == idp.UserStatusTypeConfirmed && listed.Users[0].UserCreateDate != nil &&
		listed.PaginationToken == nil, "ListUsers with a filter: one user, no next page")
	var pages, names = 0, map[string]bool{}
	err = cognito.ListUsersPages(&idp.ListUsersInput{UserPoolId: pool, Limit: aws.Int64(1)},
		func(page *idp.ListUsersOutput, last bool) bool {
			pages++
			check(len(page.Users) == 1 && (page.PaginationToken == nil) == last, "one user a page, a token until the last")
			names[aws.StringValue(page.Users[0].Username)] = true
			return true
		})
	check(err == nil && pages == 2 && len(names) == 2 && names[userName], "ListUsers pages through both: %v", err)
	_, err = cognito.ListUsers(&idp.ListUsersInput{UserPoolId: pool, Filter: aws.String(`locale = "en"`)})
	refused[idp.InvalidParameterException](err, "InvalidParameterException", "Invalid search attribute: locale",
		"ListUsers by an attribute Cognito does not search")
	fmt.Printf("%d: AdminGetUser, ListUsers\n", checks)

	// SignUp refusals: the sign-in client may not write the phone a phone user name fills; a weak password.
	_, err = cognito.SignUp(&idp.SignUpInput{ClientId: client, Username: aws.String("+15555550102"), Password: aws.String("Thr0w-away!pw")})
	refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "A client attempted to write unauthorized attribute",
		"SignUp through the sign-in client")
	_, err = cognito.SignUp(&idp.SignUpInput{ClientId: signUpClient, Username: aws.String("new@example.com"), Password: aws.String("short")})
	refused[idp.InvalidPasswordException](err, "InvalidPasswordException",
		"Password did not conform with policy: Password not long enough", "SignUp with a short password")
	_, err = cognito.SignUp(&idp.SignUpInput{ClientId: signUpClient, Username: aws.String("bob"), Password: aws.String("Thr0w-away!pw")})
	refused[idp.InvalidParameterException](err, "InvalidParameterException", "Username should be either an email or a phone number.",
		"SignUp with a user name that is neither")
	fmt.Printf("%d: SignUp refusals\n", checks)

	// More refusals: an unknown app client and pool, a flow the client does not allow, three wrong codes.
	_, err = cognito.InitiateAuth(&idp.InitiateAuthInput{
		ClientId: aws.String("nosuchclient"), AuthFlow: aws.String(idp.AuthFlowTypeCustomAuth),
		AuthParameters: map[string]*string{"USERNAME": aws.String(phone)},
	})
	refused[idp.ResourceNotFoundException](err, "ResourceNotFoundException", "User pool client nosuchclient does not exist.",
		"an unknown app client")
	_, err = cognito.AdminGetUser(&idp.AdminGetUserInput{UserPoolId: aws.String("us-east-1_Nope"), Username: aws.String(phone)})
	refused[idp.ResourceNotFoundException](err, "ResourceNotFoundException", "User pool us-east-1_Nope does not exist.",
		"an unknown pool")
	_, err = cognito.InitiateAuth(&idp.InitiateAuthInput{
		ClientId: client, AuthFlow: aws.String(idp.AuthFlowTypeUserPasswordAuth),
		AuthParameters: map[string]*string{"USERNAME": aws.String(phone), "PASSWORD": aws.String("Perm4nent!pass")},
	})
	refused[idp.InvalidParameterException](err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client",
		"USER_PASSWORD_AUTH")
	challenge = start(phone)
	codes = sent(phone, 6)
	session := challenge.Session
	for attempt := 1; attempt <= 3; attempt++ {
		out, err := answer(challenge, session, wrongFor(codes[len(codes)-1]))
		if attempt < 3 {
			check(err == nil && aws.StringValue(out.ChallengeName) == idp.ChallengeNameTypeCustomChallenge, "wrong code %d: %v", attempt, err)
			session = out.Session
		} else {
			refused[idp.NotAuthorizedException](err, "NotAuthorizedException", "Incorrect username or password.",
				"the third wrong code")
		}
	}
	fmt.Printf("%d: unknown client and pool, a flow not enabled, lockout\n", checks)
	fmt.Printf("%d checks passed\n", checks)
}
