"""Files of a release (source maps, minified sources), uploaded as multipart form data."""

from __future__ import annotations

import hashlib
import posixpath
import re
from typing import Any

from django.http import HttpResponse
from rest_framework import status
from rest_framework.response import Response

from apiscribe.scenarios import attach_scenarios

from ... import scenarios
from ...models import Release, ReleaseFile
from .. import serializers as out
from ..base import DocSection, Endpoint, get_release, get_release_file
from ..paginator import paginate
from ..validators import (
    Conflict,
    ReleaseFileUpdateValidator,
    ReleaseFileValidator,
    validated,
)


def _check_name_free(release: Release, name: str, dist: str | None, current: int = 0) -> None:
    if release.files.filter(name=name, dist=dist).exclude(id=current).exists():
        raise Conflict({"name": ["A file with this name already exists for the release."]})


class OrganizationReleaseFilesEndpoint(Endpoint):
    doc_section = DocSection.RELEASES

    @attach_scenarios([scenarios.list_release_files])
    def get(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        List an Organization Release's Files
        ````````````````````````````````````

        Return a list of files for a given release, ordered by name.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many files a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        release = get_release(organization_slug, version)
        queryset = release.files.order_by("name", "id")
        return paginate(request, queryset, lambda rows: [out.release_file(f) for f in rows])

    @attach_scenarios([scenarios.upload_release_file])
    def post(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        Upload a New Organization Release File
        ``````````````````````````````````````

        Upload a new file for the given release.

        Unlike other API requests, files must be uploaded using the
        traditional multipart/form-data content-type.

        The optional 'name' attribute should reflect the absolute path
        that this file will be referenced as. For example, in the case of
        JavaScript you might specify the full web URI.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :param string name: the name (full path) of the file.
        :param file file: the multipart encoded file.
        :param string dist: the name of the dist.
        :param string header: this parameter can be supplied multiple times
                              to attach headers to the file. Each header
                              is a string in the format `key:value`. For
                              instance it can be used to define a content
                              type.
        :auth: required
        """
        release = get_release(organization_slug, version)
        data = validated(ReleaseFileValidator, request)
        upload = data["file"]
        name = data.get("name") or posixpath.basename(upload.name or "") or "file"
        dist = data.get("dist")
        _check_name_free(release, name, dist)
        content = upload.read()
        item = ReleaseFile.objects.create(
            release=release,
            name=name,
            dist=dist,
            headers=data.get("header", {}),
            content=content,
            sha1=hashlib.sha1(content).hexdigest(),
            size=len(content),
        )
        return Response(out.release_file(item), status=status.HTTP_201_CREATED)


class OrganizationReleaseFileDetailsEndpoint(Endpoint):
    doc_section = DocSection.RELEASES

    @attach_scenarios([scenarios.retrieve_release_file])
    def get(
        self, request: Any, organization_slug: str, version: str, file_id: int
    ) -> Response | HttpResponse:
        """
        Retrieve an Organization Release's File
        ```````````````````````````````````````

        Return details on an individual file within a release. This does
        not actually return the contents of the file, just the associated
        metadata, unless `download` is given.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :pparam int file_id: the ID of the file to retrieve.
        :qparam bool download: set to `1` to receive the file's contents
                               instead of its metadata.
        :auth: required
        """
        item = get_release_file(organization_slug, version, file_id)
        if request.GET.get("download") in ("1", "true"):
            headers = {k.lower(): v for k, v in item.headers.items()}
            response = HttpResponse(
                bytes(item.content),
                content_type=headers.get("content-type", "application/octet-stream"),
            )
            filename = re.sub(r"[^A-Za-z0-9._-]", "_", posixpath.basename(item.name)) or "file"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return Response(out.release_file(item))

    @attach_scenarios([scenarios.update_release_file])
    def put(self, request: Any, organization_slug: str, version: str, file_id: int) -> Response:
        """
        Update an Organization Release File
        ```````````````````````````````````

        Update metadata of an existing file. Currently only the name of
        the file and its dist can be changed.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :pparam int file_id: the ID of the file to update.
        :param string name: the new name (full path) of the file.
        :param string dist: the name of the dist.
        :auth: required
        """
        item = get_release_file(organization_slug, version, file_id)
        data = validated(ReleaseFileUpdateValidator, request, partial=True)
        name = data.get("name", item.name)
        dist = data.get("dist", item.dist)
        _check_name_free(item.release, name, dist, current=item.id)
        item.name, item.dist = name, dist
        item.save()
        return Response(out.release_file(item))

    @attach_scenarios([scenarios.delete_release_file])
    def delete(self, request: Any, organization_slug: str, version: str, file_id: int) -> Response:
        """
        Delete an Organization Release's File
        `````````````````````````````````````

        Permanently remove a file from a release.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :pparam int file_id: the ID of the file to delete.
        :auth: required
        """
        get_release_file(organization_slug, version, file_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
