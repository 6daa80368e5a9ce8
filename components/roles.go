package components

import (
	"fmt"
	"slices"

	authorization "github.com/pulumi/pulumi-azure-native-sdk/authorization/v2/v20220401"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PrincipalType is the kind of Entra principal a role assignment names. It
// must match the principal, or ARM answers UnmatchedPrincipalType.
type PrincipalType string

const (
	// PrincipalTypeUser is a user.
	PrincipalTypeUser PrincipalType = "User"
	// PrincipalTypeServicePrincipal is a service principal or a managed
	// identity: CI, and every workload identity.
	PrincipalTypeServicePrincipal PrincipalType = "ServicePrincipal"
	// PrincipalTypeGroup is an Entra group.
	PrincipalTypeGroup PrincipalType = "Group"
)

func (t PrincipalType) valid() bool {
	return t == PrincipalTypeUser || t == PrincipalTypeServicePrincipal || t == PrincipalTypeGroup
}

// newRoleAssignment assigns a built-in role (roleID, a GUID) to a principal
// on exactly one resource, scopeID: never a resource group or subscription
// (docs/azure-facts.md#key-vault-access).
//
// Role-assignment names must be unique in the whole Entra tenant, whatever
// their scope (docs/azure-facts.md#names-azure-holds-unique). The name is
// therefore ARM's convention, a deterministic GUID of the scope, the
// principal and the role definition: stable across deployments, and
// different for every resource and principal whichever stack, backend or
// organization creates it. A replacement deletes the old assignment first:
// Azure refuses a second assignment of the same role to the same principal
// on the same scope.
func newRoleAssignment(ctx *pulumi.Context, name string, scopeID pulumi.StringOutput, principalID pulumi.StringInput, principalType PrincipalType, roleID string, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	if !principalType.valid() {
		return nil, fmt.Errorf("role assignment %q: principal type %q: must be \"User\", \"ServicePrincipal\" or \"Group\"", name, principalType)
	}
	roleDefinition := scopeID.ApplyT(func(id string) string { return roleDefinitionID(id, roleID) }).(pulumi.StringOutput)
	args := &authorization.RoleAssignmentArgs{
		Scope:            scopeID,
		PrincipalId:      principalID,
		RoleDefinitionId: roleDefinition,
		RoleAssignmentName: pulumi.All(scopeID, principalID, roleDefinition).ApplyT(func(v []any) string {
			return roleAssignmentName(v[0].(string), v[1].(string), v[2].(string))
		}).(pulumi.StringOutput),
		PrincipalType: pulumi.String(string(principalType)),
	}
	opts = append(slices.Clone(opts), pulumi.DeleteBeforeReplace(true))
	ra, err := authorization.NewRoleAssignment(ctx, name, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("role assignment %q: %w", name, err)
	}
	return ra, nil
}

// roleDefinitionID turns a built-in role GUID into the subscription-scoped
// role definition ID that ARM expects, taking the subscription from scopeID.
func roleDefinitionID(scopeID, roleID string) string {
	return fmt.Sprintf("/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s", idSegment(scopeID, "subscriptions"), roleID)
}
