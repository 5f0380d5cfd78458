// A whole sign-in journey against passwordless-endpoint through the AWS SDK for Go v2's typed Cognito client
// (github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider, as Debian 12 ships it), unmodified: every answer
// must parse into the SDK's output type and every refusal into its typed error, with Cognito's code and message.
//
//	sdk-go-v2 -endpoint http://127.0.0.1:PORT -outbox FILE
//
// Run by Tests/EndpointTests/EndpointTests.swift against an endpoint it starts (--no-template, --outbox FILE).
// It prints what it checked, never a code or a token, and exits 1 at the first check that fails.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

var (
	endpoint     = flag.String("endpoint", "", "the endpoint's URL")
	outbox       = flag.String("outbox", "", "the endpoint's --outbox file")
	pool         = flag.String("pool", "us-east-1_LocalPool", "the user pool id")
	client       = flag.String("client", "passwordlesslocalclient", "the sign-in app client")
	signUpClient = flag.String("sign-up-client", "passwordlesslocalsignup", "the sign-up app client")
	checks       = 0
	cognito      *idp.Client
	ctx          = context.Background()
)

func check(ok bool, format string, args ...interface{}) {
	if !ok {
		fmt.Fprintf(os.Stderr, "FAILED after %d checks: %s\n", checks, fmt.Sprintf(format, args...))
		os.Exit(1)
	}
	checks++
}

// refused checks that err is the SDK's typed error E of the operation, with Cognito's code and message, on an
// HTTP 400.
func refused[E any, P interface {
	*E
	smithy.APIError
}](err error, operation, code, message, what string) {
	var typed P
	check(errors.As(err, &typed), "%s: want the SDK's %s, got %T: %v", what, code, err, err)
	check(typed.ErrorCode() == code && typed.ErrorMessage() == message, "%s: got %s %q", what, typed.ErrorCode(), typed.ErrorMessage())
	var failed *smithy.OperationError
	check(errors.As(err, &failed) && failed.OperationName == operation, "%s: the error of %s", what, operation)
	var response *awshttp.ResponseError
	check(errors.As(err, &response) && response.HTTPStatusCode() == 400, "%s: not an HTTP 400", what)
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

func attribute(attributes []types.AttributeType, name string) string {
	for _, a := range attributes {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value)
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
	out, err := cognito.InitiateAuth(ctx, &idp.InitiateAuthInput{
		ClientId: client, AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": username},
	})
	check(err == nil, "InitiateAuth CUSTOM_AUTH: %v", err)
	check(out.ChallengeName == types.ChallengeNameTypeCustomChallenge && out.AuthenticationResult == nil,
		"a code challenge, got %q", out.ChallengeName)
	check(len(aws.ToString(out.Session)) >= 20, "a session token")
	parameters := out.ChallengeParameters
	check(parameters["step"] == "code" && parameters["channel"] == "sms" && parameters["codeLength"] == "6",
		"the public challenge parameters: step %q channel %q codeLength %q",
		parameters["step"], parameters["channel"], parameters["codeLength"])
	check(parameters["USERNAME"] != "" && !strings.ContainsAny(parameters["destination"], "0123456789"),
		"USERNAME, and a destination that shows no digit")
	return out
}

func answer(challenge *idp.InitiateAuthOutput, session *string, code string) (*idp.RespondToAuthChallengeOutput, error) {
	return cognito.RespondToAuthChallenge(ctx, &idp.RespondToAuthChallengeInput{
		ClientId: client, ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session,
		ChallengeResponses: map[string]string{"USERNAME": challenge.ChallengeParameters["USERNAME"], "ANSWER": code},
	})
}

// signIn runs CUSTOM_AUTH with the code the outbox got, and checks the tokens it answers.
func signIn(phone, userName string) *types.AuthenticationResultType {
	before := len(sent(phone, 6))
	challenge := start(phone)
	codes := sent(phone, 6)
	check(len(codes) == before+1, "one new message to the phone")
	out, err := answer(challenge, challenge.Session, codes[len(codes)-1])
	check(err == nil, "RespondToAuthChallenge with the right code: %v", err)
	check(out.ChallengeName == "" && out.Session == nil && len(out.ChallengeParameters) == 0, "no further challenge")
	result := out.AuthenticationResult
	check(result != nil && aws.ToString(result.TokenType) == "Bearer" && result.ExpiresIn == 3600,
		"AuthenticationResult with TokenType Bearer and ExpiresIn 3600")
	check(aws.ToString(result.RefreshToken) != "", "a refresh token")
	id, access := claims(result.IdToken), claims(result.AccessToken)
	check(id["token_use"] == "id" && id["aud"] == *client && id["cognito:username"] == userName, "the ID token's claims")
	check(access["token_use"] == "access" && access["client_id"] == *client && access["username"] == userName,
		"the access token's claims")
	check(id["phone_number"] == phone && id["phone_number_verified"] == true, "the ID token's phone_number")
	return result
}

func refresh(token *string) (*idp.InitiateAuthOutput, error) {
	return cognito.InitiateAuth(ctx, &idp.InitiateAuthInput{
		ClientId: client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(token)},
	})
}

func main() {
	flag.Parse()
	check(*endpoint != "" && *outbox != "", "usage: sdk-go-v2 -endpoint URL -outbox FILE")
	// The SDK's HTTP client waits without end by default: an endpoint that never answers fails the run instead.
	time.AfterFunc(5*time.Minute, func() {
		fmt.Fprintln(os.Stderr, "FAILED: the run took over 5 minutes")
		os.Exit(1)
	})
	cognito = idp.New(idp.Options{
		Region: "us-east-1", EndpointResolver: idp.EndpointResolverFromURL(*endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	fmt.Printf("AWS SDK for Go v2 %s\n", aws.SDKVersion)
	phone, second := "+15555550100", "+15555550101"
	began := time.Now().Add(-time.Minute)

	// AdminCreateUser (signed), MessageAction SUPPRESS, the phone verified by the administrator.
	made, err := cognito.AdminCreateUser(ctx, &idp.AdminCreateUserInput{
		UserPoolId: pool, Username: aws.String(phone), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number_verified"), Value: aws.String("true")}},
	})
	check(err == nil, "AdminCreateUser: %v", err)
	user := made.User
	userName := aws.ToString(user.Username)
	check(userName != "" && userName != phone, "a generated user name (sign-in by phone)")
	check(user.UserStatus == types.UserStatusTypeForceChangePassword && user.Enabled,
		"FORCE_CHANGE_PASSWORD and enabled, got %s", user.UserStatus)
	check(user.UserCreateDate != nil && user.UserCreateDate.After(began) && !user.UserLastModifiedDate.Before(*user.UserCreateDate),
		"UserCreateDate and UserLastModifiedDate as timestamps")
	check(attribute(user.Attributes, "phone_number") == phone && attribute(user.Attributes, "phone_number_verified") == "true",
		"the phone, verified")
	check(attribute(user.Attributes, "sub") == userName, "sub")
	_, err = cognito.AdminCreateUser(ctx, &idp.AdminCreateUserInput{
		UserPoolId: pool, Username: aws.String(phone), MessageAction: types.MessageActionTypeSuppress,
	})
	refused[types.UsernameExistsException](err, "AdminCreateUser", "UsernameExistsException",
		"An account with the given phone_number already exists.", "AdminCreateUser of a taken phone")
	_, err = cognito.AdminSetUserPassword(ctx, &idp.AdminSetUserPasswordInput{
		UserPoolId: pool, Username: aws.String(phone), Password: aws.String("short"), Permanent: true,
	})
	refused[types.InvalidPasswordException](err, "AdminSetUserPassword", "InvalidPasswordException",
		"Password did not conform with policy: Password not long enough", "AdminSetUserPassword with a short password")
	_, err = cognito.AdminSetUserPassword(ctx, &idp.AdminSetUserPasswordInput{
		UserPoolId: pool, Username: aws.String(phone), Password: aws.String("Perm4nent!pass"), Permanent: true,
	})
	check(err == nil, "AdminSetUserPassword: %v", err)
	fmt.Printf("%d: AdminCreateUser, AdminSetUserPassword\n", checks)

	// InitiateAuth CUSTOM_AUTH, a wrong code (asked again, nothing sent), then the right code from the outbox.
	challenge := start(phone)
	check(challenge.ChallengeParameters["USERNAME"] == userName, "USERNAME is the account's user name")
	codes := sent(phone, 6)
	check(len(codes) == 1, "one message sent")
	wrong, err := answer(challenge, challenge.Session, wrongFor(codes[0]))
	check(err == nil, "RespondToAuthChallenge with a wrong code: %v", err)
	check(wrong.ChallengeName == types.ChallengeNameTypeCustomChallenge && wrong.AuthenticationResult == nil,
		"a wrong code gets the challenge again")
	check(aws.ToString(wrong.Session) != "" && aws.ToString(wrong.Session) != aws.ToString(challenge.Session), "a new session token")
	check(len(sent(phone, 6)) == 1, "and nothing sent")
	_, err = answer(challenge, challenge.Session, codes[0])
	refused[types.NotAuthorizedException](err, "RespondToAuthChallenge", "NotAuthorizedException", "Incorrect username or password.",
		"a session token used twice")
	right, err := answer(challenge, wrong.Session, codes[0])
	check(err == nil, "RespondToAuthChallenge with the right code: %v", err)
	result := right.AuthenticationResult
	check(result != nil && aws.ToString(result.TokenType) == "Bearer" && result.ExpiresIn == 3600, "tokens after the right code")
	first := claims(result.AccessToken)
	check(first["username"] == userName && first["client_id"] == *client, "the access token's claims")
	fmt.Printf("%d: CUSTOM_AUTH, a wrong code, the right code\n", checks)

	// GetUser with the access token.
	me, err := cognito.GetUser(ctx, &idp.GetUserInput{AccessToken: result.AccessToken})
	check(err == nil, "GetUser: %v", err)
	check(aws.ToString(me.Username) == userName && attribute(me.UserAttributes, "phone_number") == phone &&
		attribute(me.UserAttributes, "sub") == userName, "GetUser's Username and UserAttributes")
	check(len(me.MFAOptions) == 0 && me.PreferredMfaSetting == nil && len(me.UserMFASettingList) == 0, "no MFA")

	// InitiateAuth REFRESH_TOKEN_AUTH: new ID and access tokens of the same sign-in, no new refresh token.
	renewed, err := refresh(result.RefreshToken)
	check(err == nil, "InitiateAuth REFRESH_TOKEN_AUTH: %v", err)
	check(renewed.ChallengeName == "" && renewed.Session == nil && len(renewed.ChallengeParameters) == 0, "no challenge")
	again := renewed.AuthenticationResult
	check(again != nil && again.RefreshToken == nil && again.ExpiresIn == 3600, "tokens without a refresh token")
	check(aws.ToString(again.AccessToken) != aws.ToString(result.AccessToken), "a new access token")
	check(claims(again.AccessToken)["origin_jti"] == first["origin_jti"], "of the same sign-in")
	me, err = cognito.GetUser(ctx, &idp.GetUserInput{AccessToken: again.AccessToken})
	check(err == nil && aws.ToString(me.Username) == userName, "GetUser with the refreshed token: %v", err)
	// GetTokensFromRefreshToken (2025) is newer than this SDK: its client has no such operation.
	fmt.Printf("%d: GetUser, REFRESH_TOKEN_AUTH\n", checks)

	// GlobalSignOut, then the refusals afterwards.
	_, err = cognito.GlobalSignOut(ctx, &idp.GlobalSignOutInput{AccessToken: again.AccessToken})
	check(err == nil, "GlobalSignOut: %v", err)
	for _, token := range []*string{result.AccessToken, again.AccessToken} {
		_, err = cognito.GetUser(ctx, &idp.GetUserInput{AccessToken: token})
		refused[types.NotAuthorizedException](err, "GetUser", "NotAuthorizedException", "Access Token has been revoked",
			"GetUser after GlobalSignOut")
	}
	_, err = refresh(result.RefreshToken)
	refused[types.NotAuthorizedException](err, "InitiateAuth", "NotAuthorizedException", "Refresh Token has been revoked",
		"a refresh after GlobalSignOut")
	_, err = cognito.GlobalSignOut(ctx, &idp.GlobalSignOutInput{AccessToken: result.AccessToken})
	refused[types.NotAuthorizedException](err, "GlobalSignOut", "NotAuthorizedException", "Access Token has been revoked",
		"GlobalSignOut again")
	fmt.Printf("%d: GlobalSignOut and the refusals after it\n", checks)

	// RevokeToken: an access token is not revocable; the refresh token is, with the access tokens issued with it.
	signed := signIn(phone, userName)
	_, err = cognito.RevokeToken(ctx, &idp.RevokeTokenInput{ClientId: client, Token: signed.AccessToken})
	refused[types.UnsupportedTokenTypeException](err, "RevokeToken", "UnsupportedTokenTypeException",
		"Only refresh tokens can be revoked.", "RevokeToken with an access token")
	_, err = cognito.RevokeToken(ctx, &idp.RevokeTokenInput{ClientId: client, Token: signed.RefreshToken})
	check(err == nil, "RevokeToken: %v", err)
	_, err = refresh(signed.RefreshToken)
	refused[types.NotAuthorizedException](err, "InitiateAuth", "NotAuthorizedException", "Refresh Token has been revoked",
		"a refresh after RevokeToken")
	_, err = cognito.GetUser(ctx, &idp.GetUserInput{AccessToken: signed.AccessToken})
	refused[types.NotAuthorizedException](err, "GetUser", "NotAuthorizedException", "Access Token has been revoked",
		"GetUser after RevokeToken")
	fmt.Printf("%d: RevokeToken\n", checks)

	// A second account answers NEW_PASSWORD_REQUIRED after its code (FORCE_CHANGE_PASSWORD), then tokens.
	_, err = cognito.AdminCreateUser(ctx, &idp.AdminCreateUserInput{
		UserPoolId: pool, Username: aws.String(second), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number_verified"), Value: aws.String("true")}},
	})
	check(err == nil, "AdminCreateUser: %v", err)
	challenge = start(second)
	codes = sent(second, 6)
	check(len(codes) == 1, "one message to the second phone")
	asked, err := answer(challenge, challenge.Session, codes[0])
	check(err == nil, "RespondToAuthChallenge: %v", err)
	check(asked.ChallengeName == types.ChallengeNameTypeNewPasswordRequired && asked.AuthenticationResult == nil,
		"NEW_PASSWORD_REQUIRED, got %q", asked.ChallengeName)
	var shown map[string]string
	check(json.Unmarshal([]byte(asked.ChallengeParameters["userAttributes"]), &shown) == nil && shown["phone_number"] == second,
		"userAttributes as JSON")
	done, err := cognito.RespondToAuthChallenge(ctx, &idp.RespondToAuthChallengeInput{
		ClientId: client, ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: asked.Session,
		ChallengeResponses: map[string]string{"USERNAME": challenge.ChallengeParameters["USERNAME"], "NEW_PASSWORD": "N3w-passw0rd!"},
	})
	check(err == nil && done.AuthenticationResult != nil && aws.ToString(done.AuthenticationResult.IdToken) != "",
		"tokens after the new password: %v", err)
	fmt.Printf("%d: NEW_PASSWORD_REQUIRED\n", checks)

	// AdminGetUser and ListUsers.
	got, err := cognito.AdminGetUser(ctx, &idp.AdminGetUserInput{UserPoolId: pool, Username: aws.String(phone)})
	check(err == nil, "AdminGetUser: %v", err)
	check(aws.ToString(got.Username) == userName && got.UserStatus == types.UserStatusTypeConfirmed && got.Enabled,
		"AdminGetUser: CONFIRMED and enabled, got %s", got.UserStatus)
	check(got.UserCreateDate != nil && got.UserCreateDate.Equal(*user.UserCreateDate) && !got.UserLastModifiedDate.Before(*got.UserCreateDate),
		"AdminGetUser's dates")
	check(attribute(got.UserAttributes, "phone_number") == phone, "AdminGetUser's attributes")
	_, err = cognito.AdminGetUser(ctx, &idp.AdminGetUserInput{UserPoolId: pool, Username: aws.String("+15555550199")})
	refused[types.UserNotFoundException](err, "AdminGetUser", "UserNotFoundException", "User does not exist.", "AdminGetUser of nobody")
	listed, err := cognito.ListUsers(ctx, &idp.ListUsersInput{UserPoolId: pool, Filter: aws.String(`phone_number = "` + second + `"`)})
	check(err == nil, "ListUsers: %v", err)
	check(len(listed.Users) == 1 && attribute(listed.Users[0].Attributes, "phone_number") == second &&
		listed.Users[0].UserStatus == types.UserStatusTypeConfirmed && listed.Users[0].UserCreateDate != nil &&
		listed.PaginationToken == nil, "ListUsers with a filter: one user, no next page")
	pages, names := 0, map[string]bool{}
	for paginator := idp.NewListUsersPaginator(cognito, &idp.ListUsersInput{UserPoolId: pool, Limit: aws.Int32(1)}); paginator.HasMorePages(); {
		page, err := paginator.NextPage(ctx)
		check(err == nil && len(page.Users) == 1, "one user a page: %v", err)
		pages++
		names[aws.ToString(page.Users[0].Username)] = true
	}
	check(pages == 2 && len(names) == 2 && names[userName], "ListUsers pages through both")
	_, err = cognito.ListUsers(ctx, &idp.ListUsersInput{UserPoolId: pool, Filter: aws.String(`locale = "en"`)})
	refused[types.InvalidParameterException](err, "ListUsers", "InvalidParameterException", "Invalid search attribute: locale",
		"ListUsers by an attribute Cognito does not search")
	fmt.Printf("%d: AdminGetUser, ListUsers\n", checks)

	// SignUp refusals: the sign-in client may not write the phone a phone user name fills; a weak password.
	_, err = cognito.SignUp(ctx, &idp.SignUpInput{ClientId: client, Username: aws.String("+15555550102"), Password: aws.String("Thr0w-away!pw")})
	refused[types.NotAuthorizedException](err, "SignUp", "NotAuthorizedException", "A client attempted to write unauthorized attribute",
		"SignUp through the sign-in client")
	_, err = cognito.SignUp(ctx, &idp.SignUpInput{ClientId: signUpClient, Username: aws.String("new@example.com"), Password: aws.String("short")})
	refused[types.InvalidPasswordException](err, "SignUp", "InvalidPasswordException",
		"Password did not conform with policy: Password not long enough", "SignUp with a short password")
	_, err = cognito.SignUp(ctx, &idp.SignUpInput{ClientId: signUpClient, Username: aws.String("bob"), Password: aws.String("Thr0w-away!pw")})
	refused[types.InvalidParameterException](err, "SignUp", "InvalidParameterException",
		"Username should be either an email or a phone number.", "SignUp with a user name that is neither")
	fmt.Printf("%d: SignUp refusals\n", checks)

	// More refusals: an unknown app client and pool, a flow the client does not allow, three wrong codes.
	_, err = cognito.InitiateAuth(ctx, &idp.InitiateAuthInput{
		ClientId: aws.String("nosuchclient"), AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": phone},
	})
	refused[types.ResourceNotFoundException](err, "InitiateAuth", "ResourceNotFoundException",
		"User pool client nosuchclient does not exist.", "an unknown app client")
	_, err = cognito.AdminGetUser(ctx, &idp.AdminGetUserInput{UserPoolId: aws.String("us-east-1_Nope"), Username: aws.String(phone)})
	refused[types.ResourceNotFoundException](err, "AdminGetUser", "ResourceNotFoundException", "User pool us-east-1_Nope does not exist.",
		"an unknown pool")
	_, err = cognito.InitiateAuth(ctx, &idp.InitiateAuthInput{
		ClientId: client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": phone, "PASSWORD": "Perm4nent!pass"},
	})
	refused[types.InvalidParameterException](err, "InitiateAuth", "InvalidParameterException",
		"USER_PASSWORD_AUTH flow not enabled for this client", "USER_PASSWORD_AUTH")
	challenge = start(phone)
	codes = sent(phone, 6)
	session := challenge.Session
	for attempt := 1; attempt <= 3; attempt++ {
		out, err := answer(challenge, session, wrongFor(codes[len(codes)-1]))
		if attempt < 3 {
			check(err == nil && out.ChallengeName == types.ChallengeNameTypeCustomChallenge, "wrong code %d: %v", attempt, err)
			session = out.Session
		} else {
			refused[types.NotAuthorizedException](err, "RespondToAuthChallenge", "NotAuthorizedException",
				"Incorrect username or password.", "the third wrong code")
		}
	}
	fmt.Printf("%d: unknown client and pool, a flow not enabled, lockout\n", checks)
	fmt.Printf("%d checks passed\n", checks)
}
