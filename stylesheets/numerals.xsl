<?xml version="1.0" encoding="UTF-8"?>
<!-- Chinese numerals as official documents write them: 一, 十, 十一, 二十一, 一百零一, 一百一十,
     一千零一十, 一万零一. Used for 第X章, 第X条 and （X）. Integers 1 to 99 999 999. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:variable name="cn-digits" select="'〇一二三四五六七八九'"/>

  <xsl:template name="cn-number">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$n &gt;= 10000">
        <xsl:call-template name="cn-below-10000">
          <xsl:with-param name="n" select="floor($n div 10000)"/>
          <xsl:with-param name="leading" select="true()"/>
        </xsl:call-template>
        <xsl:text>万</xsl:text>
        <xsl:variable name="rest" select="$n mod 10000"/>
        <xsl:if test="$rest &gt; 0">
          <xsl:if test="$rest &lt; 1000">零</xsl:if>
          <xsl:call-template name="cn-below-10000">
            <xsl:with-param name="n" select="$rest"/>
            <xsl:with-param name="leading" select="false()"/>
          </xsl:call-template>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="cn-below-10000">
          <xsl:with-param name="n" select="$n"/>
          <xsl:with-param name="leading" select="true()"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- $leading: the number stands first, so 10–19 read 十, 十一 rather than 一十, 一十一. -->
  <xsl:template name="cn-below-10000">
    <xsl:param name="n"/>
    <xsl:param name="leading"/>
    <xsl:call-template name="cn-place">
      <xsl:with-param name="n" select="$n"/>
      <xsl:with-param name="unit" select="1000"/>
      <xsl:with-param name="started" select="false()"/>
      <xsl:with-param name="leading" select="$leading"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="cn-place">
    <xsl:param name="n"/>
    <xsl:param name="unit"/>
    <xsl:param name="started"/>
    <xsl:param name="leading"/>
    <xsl:param name="zero" select="false()"/>
    <xsl:if test="$unit &gt;= 1">
      <xsl:variable name="d" select="floor($n div $unit) mod 10"/>
      <xsl:variable name="below" select="$n mod $unit"/>
      <xsl:choose>
        <xsl:when test="$d != 0">
          <xsl:if test="$zero">零</xsl:if>
          <xsl:if test="not($unit = 10 and $d = 1 and not($started) and $leading)">
            <xsl:value-of select="substring($cn-digits, $d + 1, 1)"/>
          </xsl:if>
          <xsl:choose>
            <xsl:when test="$unit = 1000">千</xsl:when>
            <xsl:when test="$unit = 100">百</xsl:when>
            <xsl:when test="$unit = 10">十</xsl:when>
          </xsl:choose>
          <xsl:call-template name="cn-place">
            <xsl:with-param name="n" select="$n"/>
            <xsl:with-param name="unit" select="$unit div 10"/>
            <xsl:with-param name="started" select="true()"/>
            <xsl:with-param name="leading" select="$leading"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="cn-place">
            <xsl:with-param name="n" select="$n"/>
            <xsl:with-param name="unit" select="$unit div 10"/>
            <xsl:with-param name="started" select="$started"/>
            <xsl:with-param name="leading" select="$leading"/>
            <!-- One 零 stands for any run of zeros between nonzero digits. -->
            <xsl:with-param name="zero" select="$started and $below &gt; 0"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
